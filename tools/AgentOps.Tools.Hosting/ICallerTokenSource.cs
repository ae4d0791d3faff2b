using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.Hosting;

/// <summary>Where the caller's delegated token is read from: one place per transport, never both.</summary>
public interface ICallerTokenSource
{
    string? Read(RequestContext<CallToolRequestParams> context);
}

/// <summary>stdio has no identity of its own, so the token travels in <c>params._meta</c> under <see cref="CredentialMeta.Key"/>.</summary>
internal sealed class MetaTokenSource : ICallerTokenSource
{
    public string? Read(RequestContext<CallToolRequestParams> context) =>
        context.Params?.Meta is { } meta && meta.TryGetPropertyValue(CredentialMeta.Key, out var node) && node is JsonValue value && value.TryGetValue<string>(out var token)
            ? token
            : null;
}

/// <summary>
/// Over Streamable HTTP the token is the <c>Authorization: Bearer</c> header, as the MCP authorization spec has it.
/// A token in <c>_meta</c> is ignored there, so a proxy that strips the header cannot be bypassed through the body.
/// </summary>
internal sealed class BearerTokenSource : ICallerTokenSource
{
    private const string Scheme = "Bearer ";

    public string? Read(RequestContext<CallToolRequestParams> context)
    {
        var http = context.Services?.GetService<IHttpContextAccessor>()?.HttpContext;
        var header = http?.Request.Headers[HeaderNames.Authorization].ToString();
        return header is not null && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header.Length > Scheme.Length
            ? header[Scheme.Length..].Trim()
            : null;
    }
}
