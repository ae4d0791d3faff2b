namespace AgentOps.Guardrails.Policy;

/// <summary>The tools (<c>server/tool</c>, <c>server/*</c>) and scope verbs (<c>server:verb</c>) one agent may use.</summary>
public sealed record AgentRule(string Agent, IReadOnlyList<string> Tools, IReadOnlyList<string>? Verbs, int Line)
{
    // Both run on every tool call: each entry is compared in place with "<server>/<tool>" (or ":<verb>"), not with a
    // string built for the comparison.
    public bool AllowsTool(string server, string tool)
    {
        for (var i = 0; i < Tools.Count; i++)
        {
            var allowed = Tools[i];
            if (IsPair(allowed, server, '/', tool) || IsPair(allowed, server, '/', "*"))
            {
                return true;
            }
        }
        return false;
    }

    public bool AllowsVerb(string server, string verb)
    {
        if (Verbs is null)
        {
            return true;
        }
        for (var i = 0; i < Verbs.Count; i++)
        {
            var allowed = Verbs[i];
            if (IsPair(allowed, server, ':', verb) || IsPair(allowed, server, ':', "*") || IsPair(allowed, "*", ':', verb) || allowed == "*:*")
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether <paramref name="text"/> is exactly <paramref name="left"/>, <paramref name="separator"/>, <paramref name="right"/>.</summary>
    private static bool IsPair(string text, string left, char separator, string right) =>
        text.Length == left.Length + 1 + right.Length &&
        text.AsSpan(0, left.Length).SequenceEqual(left) &&
        text[left.Length] == separator &&
        text.AsSpan(left.Length + 1).SequenceEqual(right);
}
