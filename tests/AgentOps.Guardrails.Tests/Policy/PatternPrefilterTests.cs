using System.Text.RegularExpressions;
using AgentOps.Guardrails.Policy;
using AgentOps.Guardrails.Tests.Injection;

namespace AgentOps.Guardrails.Tests.Policy;

/// <summary>
/// The prefilters that let a backtracking pattern be skipped must never skip text the pattern matches: checked for
/// every shipped pattern that has one, over every text of both labelled corpora. Prefilters are built when a pattern is
/// promoted to the linear engine, so these tests promote every shipped pattern first.
/// </summary>
public sealed class PatternPrefilterTests
{
    private static readonly GuardrailPolicy s_promoted = Promoted();

    private static readonly IReadOnlyList<string> s_texts =
    [
        .. InjectionCorpus.Load().Select(i => i.Text),
        .. SecretCorpusTests.Load().Select(i => i.Text),
    ];

    public static TheoryData<string> PatternsWithAPrefilter()
    {
        var data = new TheoryData<string>();
        foreach (var rule in s_promoted.SecretPatterns.Concat(s_promoted.InjectionPatterns).Where(r => r.Prefilter is not null))
        {
            data.Add(rule.Id);
        }
        return data;
    }

    [Fact]
    public void EveryShippedPatternTheFastEngineCannotRun_HasALinearPrefilter()
    {
        var backtracking = s_promoted.SecretPatterns.Concat(s_promoted.InjectionPatterns)
            .Where(r => (r.Engine.Options & RegexOptions.NonBacktracking) == 0).ToArray();

        Assert.NotEmpty(backtracking);
        Assert.All(backtracking, r => Assert.True(r.Prefilter is { Options: var o } && (o & RegexOptions.NonBacktracking) != 0, r.Id));
    }

    [Theory]
    [MemberData(nameof(PatternsWithAPrefilter))]
    public void Prefilter_MatchesEveryTextThePatternMatches_AndSkipsSomeItDoesNot(string id)
    {
        var rule = s_promoted.SecretPatterns.Concat(s_promoted.InjectionPatterns).First(r => r.Id == id);

        var pattern = rule.Pattern.Untimed();
        var matched = s_texts.Where(t => pattern.IsMatch(t)).ToArray();
        var skipped = s_texts.Count(rule.CannotMatch);

        // The property only means something if the corpora hold matches of the pattern.
        Assert.NotEmpty(matched);
        Assert.All(matched, t => Assert.False(rule.CannotMatch(t), $"{id} would skip text it matches: {t}"));
        Assert.True(skipped > s_texts.Count / 2, $"{id}: the prefilter skipped only {skipped} of {s_texts.Count} texts");
    }

    [Fact]
    public void FindSecret_BacktrackingPatternBehindItsPrefilter_StillFindsAndStillSkips()
    {
        var screen = new TextScreen(s_promoted);
        Assert.NotNull(s_promoted.SecretPatterns.First(r => r.Id == "password-assignment").Prefilter);

        Assert.Equal("password-assignment", screen.FindSecret("DB_PASSWORD=Tr0ub4dor-and-3")?.Id);
        Assert.Null(screen.FindSecret("writeConnectionSecretToRef:\n  name: orders-db-conn"));
    }

    private static GuardrailPolicy Promoted()
    {
        var policy = GuardrailPolicy.Load(TestPolicy.GuardrailsDirectory);
        foreach (var rule in policy.SecretPatterns.Concat(policy.InjectionPatterns))
        {
            rule.Promote();
        }
        return policy;
    }
}
