namespace AgentOps.Planning.Reading;

/// <summary>One place a request names a choice value: the value, the words it used and where, and the area those words name, if any.</summary>
internal sealed record ChoiceMention(string Value, string Word, int Index, ChoiceArea? Area);
