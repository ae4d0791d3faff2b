namespace AgentOps.Guardrails.Policy;

/// <summary>The tools (<c>server/tool</c>, <c>server/*</c>) and scope verbs (<c>server:verb</c>) one agent may use.</summary>
public sealed record AgentRule(string Agent, IReadOnlyList<string> Tools, IReadOnlyList<string>? Verbs, int Line)
{
    public bool AllowsTool(string server, string tool) =>
        Tools.Any(t => t == $"{server}/{tool}" || t == $"{server}/*");

    public bool AllowsVerb(string server, string verb) =>
        Verbs is null || Verbs.Any(v => v == $"{server}:{verb}" || v == $"{server}:*" || v == $"*:{verb}" || v == "*:*");
}
