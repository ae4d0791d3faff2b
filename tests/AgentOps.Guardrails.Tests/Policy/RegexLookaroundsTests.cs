using System.Text.RegularExpressions;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Tests.Policy;

public sealed class RegexLookaroundsTests
{
    [Theory]
    [InlineData(@"(?<![A-Za-z0-9])key=(?!\[REDACTED:)\w+", @"key=\w+")]
    [InlineData(@"a(?=b)c", "ac")]
    [InlineData(@"a(?<=x(y|z))b", "ab")]
    [InlineData(@"a(?!(b|c)d)(e|f)", "a(e|f)")]
    [InlineData(@"(?!.{0,60}\b(names?\s+only)\b)x", "x")]
    public void Remove_DropsEveryLookaround(string pattern, string expected)
    {
        Assert.Equal(expected, RegexLookarounds.Remove(pattern));
    }

    [Theory]
    [InlineData(@"\(?=a\)b", "no lookaround: the parentheses are escaped")]
    [InlineData(@"[(?=]x", "no lookaround: inside a character class")]
    [InlineData(@"[]a(?!]b", "no lookaround: ']' first in a class is a literal")]
    [InlineData(@"(?<name>a)b", "a named group is not a lookbehind")]
    [InlineData(@"(?i:a)b", "an inline option group")]
    [InlineData(@"a(?=b)*", "a quantified lookaround is not a plain deletion")]
    [InlineData(@"a(?=b", "the lookaround is never closed")]
    [InlineData(@"a[b", "the class is never closed")]
    public void Remove_ReturnsNull_WhenThereIsNothingToRemoveOrItCannotBeDoneSafely(string pattern, string why)
    {
        Assert.True(RegexLookarounds.Remove(pattern) is null, why);
    }

    [Fact]
    public void Remove_KeepsEscapesAndClassesWithParenthesesIntact()
    {
        var stripped = RegexLookarounds.Remove(@"[(\]](?=x)\(\d+\)");

        Assert.Equal(@"[(\]]\(\d+\)", stripped);
        Assert.Matches(new Regex(stripped!, RegexOptions.NonBacktracking), "((12)");
    }

    [Theory]
    [InlineData(@"a|(b|c)|d", new[] { "a", "(b|c)", "d" })]
    [InlineData(@"x\|y|[|(]z", new[] { @"x\|y", "[|(]z" })]
    [InlineData(@"(?<body>[^|]+)|(?<!\bno\s)yes", new[] { "(?<body>[^|]+)", @"(?<!\bno\s)yes" })]
    [InlineData(@"single", new[] { "single" })]
    public void Alternatives_SplitsAtTopLevelBarsOnly(string pattern, string[] expected)
    {
        Assert.Equal(expected, RegexLookarounds.Alternatives(pattern));
    }

    [Theory]
    [InlineData(@"(a|b")]
    [InlineData(@"a)|b")]
    [InlineData(@"a|[bc")]
    public void Alternatives_ReturnsNull_ForAPatternItCannotRead(string pattern)
    {
        Assert.Null(RegexLookarounds.Alternatives(pattern));
    }
}
