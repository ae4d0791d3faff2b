using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace AgentOps.Guardrails.Injection;

/// <summary>
/// Trains the <see cref="InjectionClassifier"/> from a labelled corpus (<c>tests/fixtures/injection/corpus.jsonl</c>),
/// deterministically: the same corpus and options give the same model file, byte for byte.
/// </summary>
/// <remarks>
/// <para>Logistic regression fitted by FTRL-Proximal (McMahan et al., "Ad Click Prediction: a View from the Trenches",
/// 2013): per-feature learning rates, and an L1 penalty that sets most weights to exactly zero, so the model file keeps
/// only the features that matter. Examples are visited in a fixed order (by a hash of item id and window), in double
/// precision, for a fixed number of epochs.</para>
/// <para>Examples are windows, as the scorer reads text: every window (half a window apart) of a benign item is a
/// negative, since any of them scoring high would flag it. An attack item holds its attack somewhere in it: a buried
/// attack is one line among many of logs or pull-request text. So training is two passes (multiple-instance learning
/// in its simplest form): the first takes every window of an attack as a positive; the second, from scratch, takes
/// for each attack only the window the first model finds most suspicious, which is where its instruction is.</para>
/// </remarks>
public static class InjectionTrainer
{
    /// <summary>Reads the attack and benign items of a JSONL corpus (<c>label</c>, <c>set</c>, <c>text</c>, <c>split</c>, <c>id</c>).</summary>
    public static IReadOnlyList<InjectionTrainingItem> ReadCorpus(string file)
    {
        var items = new List<InjectionTrainingItem>();
        var number = 0;
        foreach (var line in File.ReadLines(file))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                string Field(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()!
                    : throw new InvalidDataException($"{file}:{number}: {name} must be a string.");
                var label = Field("label");
                if (label is not ("attack" or "benign"))
                {
                    throw new InvalidDataException($"{file}:{number}: label must be attack or benign, not '{label}'.");
                }
                items.Add(new InjectionTrainingItem(Field("id"), label == "attack", Field("text"), Field("split")));
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{file}:{number}: not a JSON object: {ex.Message}", ex);
            }
        }
        return items;
    }

    /// <summary>Trains a model from <paramref name="items"/>.</summary>
    public static InjectionClassifier Train(IReadOnlyList<InjectionTrainingItem> items, InjectionTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        var vocabulary = new TrainingVocabulary();
        var texts = items.Select(i => vocabulary.Read(TextScreen.Normalise(i.Text), options.Settings)).ToArray();
        var window = options.Settings.Window;
        var stride = Math.Max(1, window / 2);

        var negatives = new List<TrainingExample>();
        var allAttackWindows = new List<TrainingExample>();
        for (var i = 0; i < items.Count; i++)
        {
            foreach (var start in Starts(texts[i].Words, window, stride))
            {
                var example = texts[i].Window(start, window, items[i].IsAttack ? 1 : 0, Order(items[i].Id, start));
                (items[i].IsAttack ? allAttackWindows : negatives).Add(example);
            }
        }
        var first = Fit(vocabulary.Count, [.. negatives, .. allAttackWindows], options);

        var attackWindows = new List<TrainingExample>();
        for (var i = 0; i < items.Count; i++)
        {
            if (!items[i].IsAttack || texts[i].Words == 0)
            {
                continue;
            }
            var best = texts[i].MostSuspiciousWindow(window, first);
            attackWindows.Add(texts[i].Window(best, window, 1, Order(items[i].Id, best)));
            if (options.OtherWindowsAreBenign)
            {
                // The rest of a long attack text, away from its instruction, is the DevOps text it was buried in.
                foreach (var start in Starts(texts[i].Words, window, stride).Where(s => s + window <= best || s >= best + window))
                {
                    attackWindows.Add(texts[i].Window(start, window, 0, Order(items[i].Id, start)));
                }
            }
        }
        var weights = Fit(vocabulary.Count, [.. negatives, .. attackWindows], options);

        var kept = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var id = 1; id < weights.Length; id++)
        {
            var weight = Math.Round(weights[id], InjectionClassifier.WeightDecimals);
            if (weight != 0)
            {
                kept[vocabulary.Text(id)] = weight;
            }
        }
        return new InjectionClassifier(options.Settings, Math.Round(weights[0], InjectionClassifier.WeightDecimals), kept);
    }

    /// <summary>
    /// Trains from the corpus files, read in the order given, and renders the model file: its header records
    /// <paramref name="command"/>, each file's SHA-256 and <paramref name="trainedOn"/>, so the same inputs give the same
    /// text, byte for byte.
    /// </summary>
    public static (InjectionClassifier Model, string Text) TrainFile(IReadOnlyList<string> corpusFiles, string command, DateOnly trainedOn, InjectionTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(corpusFiles);
        ArgumentNullException.ThrowIfNull(options);
        if (corpusFiles.Count == 0)
        {
            throw new ArgumentException("Name at least one corpus file.", nameof(corpusFiles));
        }
        var sha256 = string.Join(' ', corpusFiles.Select(f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))));
        var items = corpusFiles.SelectMany(ReadCorpus).ToArray();
        var duplicate = items.GroupBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            // Ids order the examples: two items with one id would make the model depend on which file came first.
            throw new InvalidDataException($"item id '{duplicate.Key}' appears more than once across the corpus files.");
        }
        var model = Train(items, options);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        model.Write(text, Header(command, sha256, trainedOn, options));
        return (model, text.ToString());
    }

    /// <summary>The comment lines a model file starts with: how to retrain it and from exactly which data.</summary>
    /// <param name="corpusSha256">The corpus files' SHA-256 digests, space-separated, in the order they were read.</param>
    public static IReadOnlyList<string> Header(string command, string corpusSha256, DateOnly trainedOn, InjectionTrainerOptions options) =>
    [
        $"AgentOps L1 injection scorer: logistic regression over words, word pairs, in-word character n-grams{(options.Settings.SkipPairs > 0 ? ", skip pairs" : "")}{(options.Settings.Lexicon is null ? "" : " and intent classes")} (guardrails/injection.yaml, classifier:).",
        "Data, not code: retrain it with the command below; a test checks that doing so reproduces this file exactly.",
        $"trained-by: {command}",
        $"corpus-sha256: {corpusSha256}",
        $"trained-on: {trainedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}",
        $"trainer: FTRL-Proximal, two passes (multiple-instance), alpha {F(options.Alpha)}, beta {F(options.Beta)}, l1 {F(options.L1)}, l2 {F(options.L2)}, {options.Epochs} epochs, benign windows weighted {F(options.NegativeWeight)}{(options.OtherWindowsAreBenign ? ", an attack's other windows benign" : "")}",
    ];

    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    // Window starts half a window apart, and always the last full window.
    private static IEnumerable<int> Starts(int words, int window, int stride)
    {
        if (words <= window)
        {
            yield return 0;
            yield break;
        }
        for (var start = 0; start + window < words; start += stride)
        {
            yield return start;
        }
        yield return words - window;
    }

    private static ulong Order(string id, int start) => InjectionFeatures.Hash($"{id}#{start}");

    // FTRL-Proximal; feature 0 is the bias, which the L1 and L2 penalties leave alone.
    private static double[] Fit(int features, TrainingExample[] examples, InjectionTrainerOptions options)
    {
        Array.Sort(examples, (a, b) => a.Order.CompareTo(b.Order));
        var z = new double[features];
        var n = new double[features];
        var w = new double[features];
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            foreach (var example in examples)
            {
                var logit = 0.0;
                for (var k = 0; k < example.Ids.Length; k++)
                {
                    var id = example.Ids[k];
                    w[id] = Weight(z[id], n[id], id == 0, options);
                    logit += w[id] * example.Values[k];
                }
                var p = 1 / (1 + Math.Exp(-Math.Clamp(logit, -35, 35)));
                var scale = (p - example.Label) * (example.Label == 1 ? 1 : options.NegativeWeight);
                for (var k = 0; k < example.Ids.Length; k++)
                {
                    var id = example.Ids[k];
                    var g = scale * example.Values[k];
                    var sigma = (Math.Sqrt(n[id] + (g * g)) - Math.Sqrt(n[id])) / options.Alpha;
                    z[id] += g - (sigma * w[id]);
                    n[id] += g * g;
                }
            }
        }
        for (var id = 0; id < features; id++)
        {
            w[id] = Weight(z[id], n[id], id == 0, options);
        }
        return w;
    }

    private static double Weight(double z, double n, bool bias, InjectionTrainerOptions options)
    {
        var l1 = bias ? 0 : options.L1;
        if (Math.Abs(z) <= l1)
        {
            return 0;
        }
        return -(z - (Math.Sign(z) * l1)) / (((options.Beta + Math.Sqrt(n)) / options.Alpha) + (bias ? 0 : options.L2));
    }
}
