namespace AgentOps.Planning;

/// <summary>A canonical value of a choice parameter and the words that mean it.</summary>
public sealed record ChoiceValue(string Value, IReadOnlyList<string> Synonyms);
