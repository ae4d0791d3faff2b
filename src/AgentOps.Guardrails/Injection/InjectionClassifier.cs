using System.Buffers;

namespace AgentOps.Guardrails.Injection;

/// <summary>
/// The trained second scorer of the L1 injection screen: a regularised logistic regression over the words, word pairs
/// and in-word character n-grams of the normalised text (see <see cref="InjectionFeatures"/>), trained by
/// <see cref="InjectionTrainer"/> from the labelled corpus and loaded from <c>guardrails/injection-model.tsv</c>.
/// Long text is read in windows of <see cref="InjectionFeatureSettings.Window"/> words, sliding one word at a time, and
/// scores as its most suspicious window, so an instruction buried in thirty lines of logs is not diluted by them.
/// </summary>
/// <remarks>
/// A window's features are counted and scaled by one over the square root of their total, so a short request and a
/// full window are on the same scale; a feature the model does not know counts towards that total and adds nothing.
/// The score of every window comes from per-word sums, so scoring is linear in the text and allocates only pooled
/// arrays.
/// </remarks>
public sealed partial class InjectionClassifier
{
    private readonly Dictionary<ulong, double> _weights;

    /// <summary>A model: how it reads text, its bias and the weight of every feature it keeps (non-zero).</summary>
    public InjectionClassifier(InjectionFeatureSettings settings, double bias, IReadOnlyDictionary<string, double> weights)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(weights);
        Settings = settings;
        Bias = bias;
        Weights = weights;
        _weights = new Dictionary<ulong, double>(weights.Count);
        foreach (var (feature, weight) in weights)
        {
            _weights[InjectionFeatures.Hash(feature)] = weight;
        }
    }

    public InjectionFeatureSettings Settings { get; }

    public double Bias { get; }

    /// <summary>Feature text (<c>w:ignore</c>, <c>b:ignore all</c>, <c>c:gno</c>) to weight.</summary>
    public IReadOnlyDictionary<string, double> Weights { get; }

    /// <summary>
    /// The probability that <paramref name="normalisedText"/> (normalised as the patterns see it) holds an instruction to
    /// the agent, from its most suspicious window, and where that window is; probability 0 for text with fewer than
    /// <see cref="InjectionFeatureSettings.MinWords"/> words.
    /// </summary>
    public ClassifierScore Score(string normalisedText)
    {
        ArgumentNullException.ThrowIfNull(normalisedText);
        if (normalisedText.Length == 0)
        {
            return new ClassifierScore(0, 0, 0);
        }
        var folded = ArrayPool<char>.Shared.Rent(normalisedText.Length);
        var maxWords = (normalisedText.Length / 2) + 1;
        var sink = new ScoringSink(_weights, maxWords);
        try
        {
            InjectionFeatures.Fold(normalisedText, folded);
            var words = InjectionFeatures.Extract(folded.AsSpan(0, normalisedText.Length), Settings, ref sink);
            sink.Finish();
            return words == 0 || words < Settings.MinWords ? new ClassifierScore(0, 0, 0) : BestWindow(ref sink, words);
        }
        finally
        {
            sink.Return();
            ArrayPool<char>.Shared.Return(folded);
        }
    }

    // Window [a, a + w): the features of its words, less the bigram that joins its first word to the word before it.
    private ClassifierScore BestWindow(ref ScoringSink sink, int words)
    {
        var w = Math.Min(Settings.Window, words);
        double dot = 0;
        double count = 0;
        for (var i = 0; i < w; i++)
        {
            dot += sink.Dot[i] + (i > 0 ? sink.BigramDot[i] : 0);
            count += sink.Count[i] + (i > 0 ? sink.BigramCount[i] : 0);
        }
        var best = Logit(dot, count);
        var bestStart = 0;
        for (var a = 1; a + w <= words; a++)
        {
            // Slide by one word: the old first word leaves with its features, the new first word's bigram leaves, and
            // the new last word comes in with its features and its bigram.
            var last = a + w - 1;
            dot += sink.Dot[last] + sink.BigramDot[last] - sink.Dot[a - 1] - sink.BigramDot[a];
            count += sink.Count[last] + sink.BigramCount[last] - sink.Count[a - 1] - sink.BigramCount[a];
            var logit = Logit(dot, count);
            if (logit > best)
            {
                best = logit;
                bestStart = a;
            }
        }
        return new ClassifierScore(1 / (1 + Math.Exp(-best)), sink.Starts[bestStart], sink.Ends[bestStart + w - 1]);
    }

    private double Logit(double dot, double count) => Bias + (count > 0 ? dot / Math.Sqrt(count) : 0);

    private struct ScoringSink(Dictionary<ulong, double> weights, int maxWords) : IFeatureSink
    {
        public double[] Dot = ArrayPool<double>.Shared.Rent(maxWords);
        public double[] BigramDot = ArrayPool<double>.Shared.Rent(maxWords);
        public int[] Count = ArrayPool<int>.Shared.Rent(maxWords);
        public int[] BigramCount = ArrayPool<int>.Shared.Rent(maxWords);
        public int[] Starts = ArrayPool<int>.Shared.Rent(maxWords);
        public int[] Ends = ArrayPool<int>.Shared.Rent(maxWords);
        private int _word = -1;

        public void Token(int index, int start, int end)
        {
            _word = index;
            Starts[index] = start;
            Ends[index] = end;
            Dot[index] = 0;
            BigramDot[index] = 0;
            Count[index] = 0;
            BigramCount[index] = 0;
        }

        public void Feature(ulong hash, ReadOnlySpan<char> text, bool bigram)
        {
            weights.TryGetValue(hash, out var weight);
            if (bigram)
            {
                BigramDot[_word] += weight;
                BigramCount[_word]++;
            }
            else
            {
                Dot[_word] += weight;
                Count[_word]++;
            }
        }

        // The first word has no bigram; the slide reads BigramDot[a] for a >= 1 only, but the first window's loop is
        // simpler with a zero there.
        public readonly void Finish()
        {
            if (_word >= 0)
            {
                BigramDot[0] = 0;
                BigramCount[0] = 0;
            }
        }

        public readonly void Return()
        {
            ArrayPool<double>.Shared.Return(Dot);
            ArrayPool<double>.Shared.Return(BigramDot);
            ArrayPool<int>.Shared.Return(Count);
            ArrayPool<int>.Shared.Return(BigramCount);
            ArrayPool<int>.Shared.Return(Starts);
            ArrayPool<int>.Shared.Return(Ends);
        }
    }
}
