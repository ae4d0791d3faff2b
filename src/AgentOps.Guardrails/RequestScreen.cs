using AgentOps.Core;
using AgentOps.Guardrails.Injection;

namespace AgentOps.Guardrails;

/// <summary>
/// L1 at intake: the request text itself is screened for injection (the <c>request</c> channel) before any planner
/// reads it. A blocked request is refused; a flagged one goes ahead with the flag on record
/// (<see cref="FlaggedRule"/>), and the executor treats the run as tainted, so its write steps wait for a human.
/// </summary>
public sealed class RequestScreen(TextScreen screen)
{
    public const string LayerName = "L1.input";

    /// <summary>The rule of an allowed request that scored at or above the flag threshold.</summary>
    public const string FlaggedRule = "input.request-flagged";

    /// <summary>The full injection scan of a request: verdict, score and every pattern that matched.</summary>
    public InjectionScan Scan(string request) => screen.Scan(request ?? string.Empty, ScanChannel.Request);

    /// <summary>The rule of a request whose secret patterns timed out on every attempt, so it could not be redacted.</summary>
    public const string UnredactableRule = "secrets.pattern-timeout";

    /// <summary>What a run keeps of a request that could not be redacted.</summary>
    public const string WithheldText = "[WITHHELD: the request could not be screened for secrets in time]";

    /// <summary>
    /// The request as it may be stored and shown (secret-looking values replaced by <c>[REDACTED:&lt;rule&gt;]</c>), or, when a secret pattern timed out on every attempt,
    /// <see cref="WithheldText"/> and the refusal to record: fail closed, since text that could not be redacted may
    /// hold a secret.
    /// </summary>
    public (string Stored, LayerDecision? Refusal) TryRedact(string request)
    {
        try
        {
            return (screen.Redact(request), null);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return (WithheldText, new LayerDecision(LayerName, Verdict.Deny, UnredactableRule,
                "the request could not be screened for secrets in time; it is refused and not stored"));
        }
    }

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
        var scan = Scan(request);
        if (scan.Verdict == ScanVerdict.Block)
        {
            return new LayerDecision(LayerName, Verdict.Deny, scan.Rule, $"the request looks like a prompt injection: {scan.Top!.Description} ({scan.Describe()})");
        }
        if (screen.FindSecret(request) is { } secret)
        {
            return new LayerDecision(LayerName, Verdict.Deny, "secrets." + secret.Id, $"the request contains what looks like a secret ({secret.Description}); never paste secrets into a request");
        }
        if (scan.Verdict == ScanVerdict.Flag)
        {
            return new LayerDecision(LayerName, Verdict.Allow, FlaggedRule,
                $"the request may be a prompt injection ({scan.Describe()}); it goes ahead, and any step that changes something waits for a human's approval");
        }
        return new LayerDecision(LayerName, Verdict.Allow, "input.request-clean", "no injection or secret found in the request");
    }
}
