namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// The corpus scan is a few seconds of regex work; run alone it does not starve the tests that check pattern timeouts
/// on large inputs (they share the machine's two cores).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CorpusCollection
{
    public const string Name = "injection corpus";
}
