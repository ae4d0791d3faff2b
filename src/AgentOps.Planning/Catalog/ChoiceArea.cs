namespace AgentOps.Planning;

/// <summary>
/// Words that name a group of a choice's values rather than one value, e.g. "EU" for every region id
/// starting with <c>eu-</c>. Alone, an area word means <see cref="Default"/>; next to a value inside the
/// area it only qualifies that value; next to a value outside the area it conflicts with it.
/// </summary>
/// <param name="Prefix">A value belongs to the area when it starts with this, e.g. <c>eu-</c>.</param>
/// <param name="Default">The value an area word means when the request names no value inside the area.</param>
public sealed record ChoiceArea(string Name, string Prefix, string Default, IReadOnlyList<string> Words)
{
    public bool Covers(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);
}
