using AgentOps.Guardrails.Injection;

namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// What the trained scorer reads from a text: words, bigrams, character n-grams and, from round 23, skip pairs (a word
/// with each of the few words before the one just before it). Training and scoring share this code, so the tests pin
/// the feature texts the model file stores.
/// </summary>
public sealed class InjectionFeaturesTests
{
    private static List<(int Word, string Feature, bool Bigram)> Features(string text, InjectionFeatureSettings settings)
    {
        var folded = new char[text.Length];
        InjectionFeatures.Fold(text, folded);
        var sink = new RecordingSink([]);
        InjectionFeatures.Extract(folded, settings, ref sink);
        return sink.Seen;
    }

    [Fact]
    public void Extract_SkipPairs_PairEachWordWithTheWordsBeforeItsBigram_AsFeaturesOfTheLaterWord()
    {
        var settings = InjectionFeatureSettings.Default with { SkipPairs = 2 };

        var features = Features("set audit level to none", settings);

        var pairs = features.Where(f => f.Feature.StartsWith("s:", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [(2, "s:set level", false), (3, "s:audit to", false), (3, "s:set to", false), (4, "s:level none", false), (4, "s:audit none", false)],
            pairs);
        // The bigram stays the only feature that joins a word to the one just before it.
        Assert.Contains((4, "b:to none", true), features);
        Assert.DoesNotContain(features, f => f.Feature == "s:to none");
    }

    [Fact]
    public void Extract_NoSkipPairs_GivesNone()
    {
        var features = Features("set audit level to none", InjectionFeatureSettings.Default with { SkipPairs = 0 });

        Assert.DoesNotContain(features, f => f.Feature.StartsWith("s:", StringComparison.Ordinal));
        Assert.Contains(features, f => f.Feature == "b:to none");
    }

    [Fact]
    public void Extract_SkipPairsBeyondTheLimit_ReachNoFurtherThanTheLimit()
    {
        var text = string.Join(' ', Enumerable.Range(0, 12).Select(i => $"w{(char)('a' + i)}"));

        var features = Features(text, InjectionFeatureSettings.Default with { SkipPairs = 99 });

        var lastWordPairs = features.Where(f => f.Word == 11 && f.Feature.StartsWith("s:", StringComparison.Ordinal)).ToList();
        Assert.Equal(InjectionFeatures.MaxSkipPairs, lastWordPairs.Count);
    }

    [Fact]
    public void Extract_IntentClasses_GiveTheClassAndUnorderedPairsWithinReach_NotWithTheSameClass()
    {
        var lexicon = new IntentLexicon([("weaken", ["disable", "off", "no"]), ("control", ["audit", "guard"])]);
        var settings = InjectionFeatureSettings.Default.WithIntents(lexicon) with { SkipPairs = 0 };

        var features = Features("disable auditing then the guard off; no", settings);

        var classed = features.Where(f => f.Feature.StartsWith("k:", StringComparison.Ordinal) || f.Feature.StartsWith("p:", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                (0, "k:weaken", false),
                (1, "k:control", false), (1, "p:weaken control", false),
                (4, "k:control", false), (4, "p:weaken control", false),
                (5, "k:weaken", false), (5, "p:weaken control", false), (5, "p:weaken control", false),
                (6, "k:weaken", false), (6, "p:weaken control", false), (6, "p:weaken control", false),
            ],
            classed);
    }

    [Fact]
    public void Extract_IntentClasses_PairOnlyWithinTheReach()
    {
        var lexicon = new IntentLexicon([("weaken", ["disable"]), ("control", ["audit"])]);
        var settings = InjectionFeatureSettings.Default.WithIntents(lexicon);
        var filler = string.Join(' ', Enumerable.Repeat("the", InjectionFeatureSettings.DefaultClassReach));

        Assert.Contains(Features($"disable {filler[..^4]} audit", settings), f => f.Feature == "p:weaken control");
        Assert.DoesNotContain(Features($"disable {filler} audit", settings), f => f.Feature == "p:weaken control");
    }

    [Theory]
    [InlineData("approve", "control")]
    [InlineData("approvals", "control")]
    [InlineData("all", "critical")]
    [InlineData("allow", null)]
    [InlineData("env", "secret")]
    [InlineData("environment", "secret")]
    [InlineData("envoy", null)]
    [InlineData("appro", null)]
    public void IntentLexicon_LongStemsMatchTheWordsTheyBegin_ShortStemsOnlyThemselves(string word, string? expected)
    {
        var lexicon = new IntentLexicon([("control", ["approv"]), ("critical", ["all"]), ("secret", ["env", "environment"])]);

        var found = lexicon.Find(word);

        Assert.Equal(expected, found < 0 ? null : lexicon.Classes[found].Name);
    }

    [Fact]
    public void IntentLexicon_LongestStemWins()
    {
        var lexicon = new IntentLexicon([("destroy", ["drop"]), ("weaken", ["dropping"])]);

        Assert.Equal("weaken", lexicon.Classes[lexicon.Find("droppings")].Name);
        Assert.Equal("destroy", lexicon.Classes[lexicon.Find("dropped")].Name);
    }

    [Fact]
    public void IntentLexiconLoad_MalformedFile_NamesFileAndLine()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("agentops-intents-").FullName, "intents.tsv");
        File.WriteAllText(file, "# comment\nweaken\tdisable off\n\ncontrol\taudit disable\n");

        var ex = Assert.Throws<InvalidDataException>(() => IntentLexicon.Load(file));

        Assert.Equal($"{file}:4: intent class 'control': stem 'disable' is already in class 'weaken'.", ex.Message);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    [Fact]
    public void IntentLexiconLoad_ShippedFile_Loads()
    {
        var lexicon = IntentLexicon.Load(Path.Combine(TestPolicy.GuardrailsDirectory, "injection-intents.tsv"));

        Assert.Contains(lexicon.Classes, c => c.Name == "weaken");
        Assert.Equal("control", lexicon.Classes[lexicon.Find("freigabe")].Name);
    }

    private readonly struct RecordingSink(List<(int, string, bool)> seen) : IFeatureSink
    {
        public List<(int Word, string Feature, bool Bigram)> Seen => seen;

        public void Token(int index, int start, int end) => seen.Add((index, "", false));

        public void Feature(ulong hash, ReadOnlySpan<char> text, bool bigram)
        {
            Assert.Equal(InjectionFeatures.Hash(text), hash);
            seen.Add((seen.Count(s => s.Item2 == "") - 1, text.ToString(), bigram));
        }
    }
}
