using System.Buffers;

namespace AgentOps.Guardrails.Injection;

/// <summary>Numbers every feature the training texts hold (from 1; 0 is the bias) and remembers its text for the model file.</summary>
internal sealed class TrainingVocabulary
{
    private readonly Dictionary<ulong, int> _ids = [];
    private readonly List<string> _texts = [string.Empty];

    /// <summary>Feature ids including the bias.</summary>
    public int Count => _texts.Count;

    public string Text(int id) => _texts[id];

    /// <summary>Cuts <paramref name="normalisedText"/> into words and their features, numbering features not seen before.</summary>
    public TrainingText Read(string normalisedText, InjectionFeatureSettings settings)
    {
        var folded = ArrayPool<char>.Shared.Rent(Math.Max(1, normalisedText.Length));
        try
        {
            InjectionFeatures.Fold(normalisedText, folded);
            var sink = new CollectingSink(this, [], []);
            InjectionFeatures.Extract(folded.AsSpan(0, normalisedText.Length), settings, ref sink);
            return new TrainingText([.. sink.Features], [.. sink.Bigrams]);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(folded);
        }
    }

    private int Id(ulong hash, ReadOnlySpan<char> text)
    {
        if (!_ids.TryGetValue(hash, out var id))
        {
            id = _texts.Count;
            _ids[hash] = id;
            _texts.Add(text.ToString());
        }
        return id;
    }

    private readonly struct CollectingSink(TrainingVocabulary vocabulary, List<List<int>> features, List<int> bigrams) : IFeatureSink
    {
        public List<List<int>> Features => features;

        public List<int> Bigrams => bigrams;

        public void Token(int index, int start, int end)
        {
            features.Add([]);
            bigrams.Add(0);
        }

        public void Feature(ulong hash, ReadOnlySpan<char> text, bool bigram)
        {
            var id = vocabulary.Id(hash, text);
            if (bigram)
            {
                bigrams[^1] = id;
            }
            else
            {
                features[^1].Add(id);
            }
        }
    }
}
