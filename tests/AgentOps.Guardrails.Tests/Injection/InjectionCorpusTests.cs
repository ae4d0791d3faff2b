using Xunit.Abstractions;

namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// The targets, measured over the labelled corpus with the repository's own <c>guardrails/injection.yaml</c>:
/// at least 90% of direct attacks and 70% of attacks buried in tool output flagged or blocked, at most 3% of benign
/// DevOps text flagged. The rates and every miss are written to the test output (the README quotes them).
/// </summary>
[Collection(CorpusCollection.Name)]
public sealed class InjectionCorpusTests(ITestOutputHelper output)
{
    [Fact]
    public void Corpus_IsLabelledAndLargeEnough()
    {
        var items = InjectionCorpus.Load();

        Assert.True(items.Count >= 300, $"{items.Count} items");
        Assert.True(items.Count(i => !i.IsAttack) >= 100, "at least 100 benign items");
        Assert.Equal(items.Count, items.Select(i => i.Id).Distinct().Count());
        Assert.All(items, i => Assert.Contains(i.Label, new[] { "attack", "benign" }));
        Assert.All(items.Where(i => i.IsAttack), i => Assert.Contains(i.Set, new[] { "direct", "buried" }));
        Assert.All(items.Where(i => i.Set == "buried"), i => Assert.Equal("tool_output", i.Channel));
        Assert.Contains(items, i => !i.IsAttack && i.Channel == "tool_output");
    }

    [Fact]
    public void Scan_Corpus_MeetsDetectionAndFalsePositiveTargets()
    {
        var sut = new TextScreen(TestPolicy.Policy);

        var rates = CorpusRates.Measure(sut, InjectionCorpus.Load());

        output.WriteLine(rates.Report());
        Assert.True(rates.DirectRate >= 0.90, $"direct detection {rates.DirectRate:P1} is below 90%");
        Assert.True(rates.BuriedRate >= 0.70, $"buried detection {rates.BuriedRate:P1} is below 70%");
        Assert.True(rates.FalsePositiveRate <= 0.03, $"false positives {rates.FalsePositiveRate:P1} are above 3%");
    }
}
