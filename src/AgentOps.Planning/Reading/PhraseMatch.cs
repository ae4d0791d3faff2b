namespace AgentOps.Planning.Reading;

/// <summary>Where a phrase was found, and the key (canonical value) it stands for.</summary>
internal sealed record PhraseMatch(string Key, string Text, int Index, int Length);
