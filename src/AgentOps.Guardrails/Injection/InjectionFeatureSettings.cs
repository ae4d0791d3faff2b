namespace AgentOps.Guardrails.Injection;

/// <summary>How the trained injection scorer reads text; stored in its model file, so scoring reads as training did.</summary>
/// <param name="Window">Words per window: long text is scored window by window (sliding one word at a time), and its score is the highest.</param>
/// <param name="CharMin">The shortest character n-gram taken inside a word.</param>
/// <param name="CharMax">The longest character n-gram taken inside a word.</param>
/// <param name="MaxWord">Longer words are cut to this many characters for their unigram and bigrams, and give no character n-grams.</param>
/// <param name="MinWords">
/// Text with fewer words scores 0: an identifier, a path or a key name ("agentops-guardrails-tests") is not an
/// instruction, and with so few features one strong word would decide.
/// </param>
/// <param name="SkipPairs">
/// How many words a word is also paired with beyond the one just before it (<c>s:audit none</c> from "audit policy to
/// none"): 0 for bigrams alone. Such a pair is a feature of its later word.
/// </param>
/// <param name="Lexicon">Intent classes whose words also count as their class (<c>k:weaken</c>); none when null.</param>
/// <param name="ClassReach">How many words apart two classed words may be to give a class pair (<c>p:control weaken</c>).</param>
public sealed record InjectionFeatureSettings(int Window, int CharMin, int CharMax, int MaxWord, int MinWords, int SkipPairs = 0, IntentLexicon? Lexicon = null, int ClassReach = 0)
{
    /// <summary>The settings cross-validation chose (see tests/fixtures/injection/SOURCES.md).</summary>
    public static InjectionFeatureSettings Default { get; } = new(Window: 32, CharMin: 3, CharMax: 4, MaxWord: 20, MinWords: 4, SkipPairs: 4);

    /// <summary>How many words apart classed words pair when a lexicon is given: cross-validation chose 5 (SOURCES.md, round 23).</summary>
    public const int DefaultClassReach = 5;

    /// <summary>These settings reading <paramref name="lexicon"/>'s intent classes, paired <see cref="DefaultClassReach"/> words apart.</summary>
    public InjectionFeatureSettings WithIntents(IntentLexicon lexicon) => this with { Lexicon = lexicon, ClassReach = DefaultClassReach };
}
