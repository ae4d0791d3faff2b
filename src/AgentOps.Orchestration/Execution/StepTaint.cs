namespace AgentOps.Orchestration.Execution;

/// <summary>
/// What the executor remembers about one step's output (or, under <see cref="TaintTracker.RequestKey"/>, the request):
/// whether it is untrusted, whether that covers the whole result or only the parts wrapped as untrusted text, and how
/// its injection scan came out.
/// </summary>
/// <param name="WholeResult">
/// True when every field of the result counts as untrusted: it was flagged for injection, marked untrusted without
/// saying which parts, or derived from untrusted data. False when only the <c>{"trust":"untrusted",…}</c> parts are.
/// </param>
/// <param name="Verdict">The injection scan's verdict: <c>allow</c>, <c>flag</c> or <c>block</c>.</param>
public sealed record StepTaint(bool Untrusted, bool WholeResult, string Verdict, double Score, IReadOnlyList<string> Reasons, string Why)
{
    public bool Quarantined => Verdict == "block";
}
