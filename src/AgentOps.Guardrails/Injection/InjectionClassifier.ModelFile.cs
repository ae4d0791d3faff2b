using System.Globalization;

namespace AgentOps.Guardrails.Injection;

/// <summary>
/// The model file (<c>guardrails/injection-model.tsv</c>): <c>#</c> comment lines first (how it was trained, from which
/// data), then one tab-separated <c>name value…</c> line per setting (<c>format 1</c>, <c>window</c>,
/// <c>char-ngrams min max</c>, <c>max-word</c>, <c>min-words</c>, <c>bias</c>) and one per feature with a non-zero weight
/// (<c>w:ignore 1.234</c>), sorted, so a retrained model differs from the committed one only where the weights do.
/// </summary>
public sealed partial class InjectionClassifier
{
    /// <summary>The version of the file layout this code reads and writes.</summary>
    public const int FormatVersion = 1;

    /// <summary>Decimals kept per weight: the trainer rounds to them, so the model in memory is the model on disk.</summary>
    public const int WeightDecimals = 6;

    /// <summary>Reads a model file; a malformed one fails with its path, line and field, like the rest of the guardrail policy.</summary>
    public static InjectionClassifier Load(string file)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"Guardrail policy file '{file}' is missing.", file);
        }
        using var reader = File.OpenText(file);
        return Read(reader, file);
    }

    /// <summary>Reads a model from <paramref name="reader"/>; <paramref name="file"/> names it in errors.</summary>
    public static InjectionClassifier Read(TextReader reader, string file)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int? format = null, window = null, charMin = null, charMax = null, maxWord = null, minWords = null;
        var skipPairs = 0;
        var classReach = 0;
        var intents = new List<(string Name, IReadOnlyList<string> Stems)>();
        var intentLines = new List<int>();
        double? bias = null;
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var fields = line.Split('\t');
            var name = fields[0];
            if (name.Length > 2 && name[1] == ':' && name[0] is 'w' or 'b' or 'c' or 's' or 'k' or 'p')
            {
                Expect(file, number, name, fields, 2);
                var weight = Double(file, number, $"weight of '{name}'", fields[1]);
                if (!weights.TryAdd(name, weight))
                {
                    throw new InvalidDataException($"{file}:{number}: feature '{name}' appears twice.");
                }
                continue;
            }
            switch (name)
            {
                case "format":
                    Expect(file, number, name, fields, 2);
                    format = Integer(file, number, name, fields[1], FormatVersion, FormatVersion);
                    break;
                case "window":
                    Expect(file, number, name, fields, 2);
                    window = Integer(file, number, name, fields[1], 1, 1024);
                    break;
                case "char-ngrams":
                    Expect(file, number, name, fields, 3);
                    charMin = Integer(file, number, "char-ngrams min", fields[1], 1, 8);
                    charMax = Integer(file, number, "char-ngrams max", fields[2], charMin.Value, 8);
                    break;
                case "max-word":
                    Expect(file, number, name, fields, 2);
                    maxWord = Integer(file, number, name, fields[1], 1, InjectionFeatures.MaxWordLimit);
                    break;
                case "min-words":
                    Expect(file, number, name, fields, 2);
                    minWords = Integer(file, number, name, fields[1], 1, 1024);
                    break;
                case "skip-pairs":
                    Expect(file, number, name, fields, 2);
                    skipPairs = Integer(file, number, name, fields[1], 0, InjectionFeatures.MaxSkipPairs);
                    break;
                case "class-reach":
                    Expect(file, number, name, fields, 2);
                    classReach = Integer(file, number, name, fields[1], 1, InjectionFeatures.MaxClassReach);
                    break;
                case "intent":
                    Expect(file, number, name, fields, 3);
                    intents.Add((fields[1], fields[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
                    intentLines.Add(number);
                    break;
                case "bias":
                    Expect(file, number, name, fields, 2);
                    bias = Double(file, number, name, fields[1]);
                    break;
                default:
                    throw new InvalidDataException(
                        $"{file}:{number}: unknown field '{name}' (known: format, window, char-ngrams, max-word, min-words, skip-pairs, class-reach, intent, bias, and features w:…, b:…, c:…, s:…, k:…, p:…).");
            }
        }
        var missing = new[] { ("format", format is null), ("window", window is null), ("char-ngrams", charMin is null), ("max-word", maxWord is null), ("min-words", minWords is null), ("bias", bias is null) }
            .Where(m => m.Item2).Select(m => m.Item1).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException($"{file}: the model has no {string.Join(", ", missing)}.");
        }
        IntentLexicon? lexicon = null;
        if (intents.Count > 0)
        {
            try
            {
                lexicon = new IntentLexicon(intents);
            }
            catch (IntentLexiconException ex)
            {
                throw new InvalidDataException($"{file}:{intentLines[ex.Class]}: intent: {ex.Message}", ex);
            }
        }
        if ((lexicon is null) != (classReach == 0))
        {
            throw new InvalidDataException($"{file}: intent classes and class-reach go together; the model has {(lexicon is null ? "class-reach without intent lines" : "intent lines without class-reach")}.");
        }
        return new InjectionClassifier(new InjectionFeatureSettings(window!.Value, charMin!.Value, charMax!.Value, maxWord!.Value, minWords!.Value, skipPairs, lexicon, classReach), bias!.Value, weights);
    }

    /// <summary>Writes the model: the comment lines of <paramref name="header"/>, the settings, then the features sorted by text.</summary>
    public void Write(TextWriter writer, IEnumerable<string> header)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(header);
        foreach (var line in header)
        {
            writer.Write("# ");
            writer.Write(line.ReplaceLineEndings(" "));
            writer.Write('\n');
        }
        writer.Write($"format\t{FormatVersion}\n");
        writer.Write($"window\t{Settings.Window}\n");
        writer.Write($"char-ngrams\t{Settings.CharMin}\t{Settings.CharMax}\n");
        writer.Write($"max-word\t{Settings.MaxWord}\n");
        writer.Write($"min-words\t{Settings.MinWords}\n");
        if (Settings.SkipPairs > 0)
        {
            // Written only when used, so a model without skip pairs reads as it did before they existed.
            writer.Write($"skip-pairs\t{Settings.SkipPairs}\n");
        }
        if (Settings.Lexicon is { } lexicon)
        {
            writer.Write($"class-reach\t{Settings.ClassReach}\n");
            foreach (var (intent, stems) in lexicon.Classes)
            {
                writer.Write($"intent\t{intent}\t{string.Join(' ', stems)}\n");
            }
        }
        writer.Write($"bias\t{Format(Bias)}\n");
        foreach (var (feature, weight) in Weights.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            writer.Write(feature);
            writer.Write('\t');
            writer.Write(Format(weight));
            writer.Write('\n');
        }
    }

    private static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static void Expect(string file, int line, string name, string[] fields, int count)
    {
        if (fields.Length != count)
        {
            throw new InvalidDataException($"{file}:{line}: {name}: expected {count - 1} tab-separated value(s) after the name, found {fields.Length - 1}.");
        }
    }

    private static int Integer(string file, int line, string field, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidDataException($"{file}:{line}: {field} must be a whole number from {min} to {max}, not '{text}'.");

    private static double Double(string file, int line, string field, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && Math.Abs(value) <= 1000
            ? value
            : throw new InvalidDataException($"{file}:{line}: {field} must be a number from -1000 to 1000, not '{text}'.");
}
