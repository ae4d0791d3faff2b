using AgentOps.Core;

namespace AgentOps.Guardrails;

/// <summary>L1 at intake: the request text itself is screened for injection before any planner reads it.</summary>
public sealed class RequestScreen(TextScreen screen)
{
    public const string LayerName = "L1.input";

    /// <summary>The request as it may be stored and shown: secret-looking values replaced by <c>[REDACTED:&lt;rule&gt;]</c>.</summary>
    public string Redact(string request) => screen.Redact(request);

    public LayerDecision Screen(string request)
    {
        if (string.IsNullOrWhiteSpace(request))
        {
            return new LayerDecision(LayerName, Verdict.Deny, "input.request-empty", "the request is empty");
        }
        if (request.Length > 4000)
        {
            return new LayerDecision(LayerName, Verdict.Deny, "input.request-size", "the request is longer than 4000 characters");
        }
        if (screen.FindInjection(request) is { } injection)
        {
            return new LayerDecision(LayerName, Verdict.Deny, "injection." + injection.Id, $"the request looks like a prompt injection: {injection.Description}");
        }
        if (screen.FindSecret(request) is { } secret)
        {
            return new LayerDecision(LayerName, Verdict.Deny, "secrets." + secret.Id, $"the request contains what looks like a secret ({secret.Description}); never paste secrets into a request");
        }
        return new LayerDecision(LayerName, Verdict.Allow, "input.request-clean", "no injection or secret found in the request");
    }
}
