using System.Text.RegularExpressions;
using AgentOps.Guardrails.Injection;
using AgentOps.Guardrails.Policy;
using AgentOps.Guardrails.Tests.Injection;

namespace AgentOps.Guardrails.Tests.Policy;

/// <summary>
/// Patterns start on the backtracking interpreter and are promoted to the non-backtracking engine (see
/// <see cref="PatternRule.Promote"/>). Verdicts must not depend on which engine a match ran on, and a text that makes
/// the interpreter backtrack must still be screened, not refused for taking too long.
/// </summary>
public sealed class TieredPatternTests
{
    private static readonly IReadOnlyList<string> s_texts =
    [
        .. InjectionCorpus.LoadTraining().Select(i => TextScreen.Normalise(i.Text)),
        .. SecretCorpusTests.Load().Select(i => i.Text),
    ];

    public static TheoryData<string> ShippedPatterns()
    {
        var data = new TheoryData<string>();
        foreach (var rule in GuardrailPolicy.Load(TestPolicy.GuardrailsDirectory) is var p ? p.InjectionPatterns.Concat(p.SecretPatterns) : [])
        {
            data.Add(rule.Id);
        }
        return data;
    }

    [Fact]
    public void Load_PatternsStartOnTheInterpreter_SoAOneShotCommandNeverBuildsTheLinearEngine()
    {
        var policy = GuardrailPolicy.Load(TestPolicy.GuardrailsDirectory);

        Assert.All(policy.InjectionPatterns.Concat(policy.SecretPatterns), rule =>
        {
            Assert.False(rule.IsPromoted, rule.Id);
            Assert.Equal(RegexOptions.None, rule.Engine.Options & RegexOptions.NonBacktracking);
        });
    }

    [Theory]
    [MemberData(nameof(ShippedPatterns))]
    public void ShippedPattern_FindsTheSameMatchOnBothEngines_OverEveryCorpusText(string id)
    {
        var policy = GuardrailPolicy.Load(TestPolicy.GuardrailsDirectory);
        var rule = policy.InjectionPatterns.Concat(policy.SecretPatterns).First(r => r.Id == id);
        var interpreted = rule.Engine;
        var interpreter = interpreted.Untimed();
        if (!rule.Promote())
        {
            // Lookarounds keep it on the interpreter; PatternPrefilterTests covers its linear prefilter.
            Assert.Same(interpreted, rule.Engine);
            return;
        }
        Assert.NotEqual(RegexOptions.None, rule.Engine.Options & RegexOptions.NonBacktracking);
        var linear = rule.Engine.Untimed();

        var matched = 0;
        foreach (var text in s_texts)
        {
            var before = interpreter.Match(text);
            var after = linear.Match(text);
            Assert.True(
                before.Success == after.Success && before.Index == after.Index && before.Length == after.Length,
                $"{id}: interpreter {Describe(before)}, linear engine {Describe(after)} in: {text}");
            matched += before.Success ? 1 : 0;
        }
        // Shipped patterns that no corpus text matches would make this prove nothing for them.
        Assert.True(matched > 0, $"{id} matched no corpus text");
    }

    [Fact]
    public void Match_InterpreterTimesOut_PromotesAndAnswersFromTheLinearEngine()
    {
        // Nested quantifiers: exponential on the interpreter for a run of a's that does not end the text.
        var rule = new PatternRule("nested", new Regex("(a+)+$", RegexOptions.None, TimeSpan.FromMilliseconds(50)), "nested");
        var hostile = new string('a', 40) + "!";

        var match = rule.Match(hostile);

        Assert.False(match.Success);
        Assert.True(rule.IsPromoted);
        Assert.NotEqual(RegexOptions.None, rule.Engine.Options & RegexOptions.NonBacktracking);
        Assert.True(rule.Match(new string('a', 40)).Success);
    }

    [Fact]
    public void Match_InterpreterTimesOutAndNoLinearEngineCanRunThePattern_StillThrows()
    {
        // A lookahead keeps the pattern on the interpreter: the timeout must reach the screen, which fails closed.
        var rule = new PatternRule("nested-lookahead", new Regex("(a+)+(?=b)", RegexOptions.None, TimeSpan.FromMilliseconds(50)), "nested");

        Assert.Throws<RegexMatchTimeoutException>(() => rule.Match(new string('a', 40) + "!"));
        Assert.True(rule.IsPromoted);
        Assert.Equal(RegexOptions.None, rule.Engine.Options & RegexOptions.NonBacktracking);
    }

    [Fact]
    public void Match_InterpreterTimesOutAndItsPrefilterProvesNoMatch_AnswersNoMatchInsteadOfThrowing()
    {
        // The lookbehind keeps it on the interpreter, where it backtracks; without the lookbehind it needs a 'b' the
        // text does not have, which the linear prefilter built at promotion sees at once.
        var rule = new PatternRule("nested-lookbehind", new Regex("(a+)+(?<!c)b", RegexOptions.None, TimeSpan.FromMilliseconds(50)), "nested");

        var match = rule.Match(new string('a', 40) + "!");

        Assert.False(match.Success);
        Assert.True(rule.IsPromoted);
        Assert.NotNull(rule.Prefilter);
    }

    [Fact]
    public void Match_LongText_PromotesBeforeMatching()
    {
        var rule = new PatternRule("plain", new Regex("deploy", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)), "plain");

        Assert.True(rule.Match(new string('x', TieredPattern.PromoteAtLength - 8) + " deploy").Success);
        Assert.False(rule.IsPromoted);
        Assert.True(rule.Match(new string('x', TieredPattern.PromoteAtLength) + " deploy").Success);
        Assert.True(rule.IsPromoted);
        Assert.NotEqual(RegexOptions.None, rule.Engine.Options & RegexOptions.NonBacktracking);
    }

    [Fact]
    public void CannotMatch_LongText_PromotesSoALookaroundPatternHasItsPrefilter()
    {
        var rule = new PatternRule("lookbehind", new Regex("(?<!not )reveal", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)), "reveal");

        Assert.False(rule.CannotMatch("short text"));
        Assert.Null(rule.Prefilter);
        Assert.True(rule.CannotMatch(new string('a', TieredPattern.PromoteAtLength)));
        Assert.NotNull(rule.Prefilter);
    }

    [Fact]
    public void Redact_InterpreterTimesOut_RedactsOnTheLinearEngine()
    {
        var rule = new PatternRule("nested", new Regex("x(a+)+y", RegexOptions.None, TimeSpan.FromMilliseconds(50)), "nested");
        var text = "x" + new string('a', 40) + "! then xaay";

        Assert.Equal("x" + new string('a', 40) + "! then [R]", rule.Redact(text, "[R]"));
        Assert.True(rule.IsPromoted);
    }

    [Fact]
    public async Task Match_UsedEnough_IsPromotedInTheBackground()
    {
        var rule = new PatternRule("plain", new Regex("deploy", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)), "plain");

        for (var i = 0; i < TieredPattern.UsesBeforePromotion - 1; i++)
        {
            _ = rule.Match("deploy it");
        }
        Assert.False(rule.IsPromoted);
        _ = rule.Match("deploy it");

        for (var waited = 0; !rule.IsPromoted && waited < 6_000; waited++)
        {
            await Task.Delay(10);
        }
        Assert.True(rule.IsPromoted);
        Assert.NotEqual(RegexOptions.None, rule.Engine.Options & RegexOptions.NonBacktracking);
    }

    [Fact]
    public void Scan_TextThatTimesOutOnTheInterpreter_IsScreenedNotRefused()
    {
        var policy = GuardrailPolicy.Load(TestPolicy.GuardrailsDirectory);
        var nested = new PatternRule("nested", new Regex("(a+)+$", RegexOptions.None, TimeSpan.FromMilliseconds(50)), "nested", Weight: 1.0);
        var screen = new TextScreen(policy with { InjectionPatterns = [nested] });

        var scan = screen.Scan(new string('a', 40) + "!", ScanChannel.Request);

        Assert.Equal(ScanVerdict.Allow, scan.Verdict);
        Assert.Empty(scan.Reasons);
    }

    private static string Describe(Match m) => m.Success ? $"'{m.Value}' at {m.Index}" : "no match";
}
