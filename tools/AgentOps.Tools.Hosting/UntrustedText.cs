using System.Text.Json.Serialization;

namespace AgentOps.Tools.Hosting;

/// <summary>
/// Text that came from outside our control — pod logs, events, annotations, pull-request bodies — already redacted.
/// It serialises as <c>{"trust":"untrusted","origin":"pod-logs","text":"..."}</c> so that a client can track taint
/// and spotlight it before it reaches a model, and <see cref="OutputHygieneFilter"/> flags the whole result.
/// </summary>
public sealed record UntrustedText(
    [property: JsonPropertyOrder(1)] string Origin,
    [property: JsonPropertyOrder(2)] string Text)
{
    public const string Marker = "untrusted";

    [JsonPropertyOrder(0)]
    public string Trust => Marker;
}
