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
public sealed record InjectionFeatureSettings(int Window, int CharMin, int CharMax, int MaxWord, int MinWords)
{
    /// <summary>The settings cross-validation chose (see tests/fixtures/injection/SOURCES.md).</summary>
    public static InjectionFeatureSettings Default { get; } = new(Window: 32, CharMin: 3, CharMax: 4, MaxWord: 20, MinWords: 4);
}
