namespace AgentOps.Planning;

/// <summary>A team in the planning policy: its namespace, the largest size it may request, and who belongs to it.</summary>
public sealed record TeamPolicy(string Name, string Namespace, string MaxSize, IReadOnlyList<string> Members)
{
    public bool HasMember(string requester) => Members.Contains(requester, StringComparer.OrdinalIgnoreCase);
}
