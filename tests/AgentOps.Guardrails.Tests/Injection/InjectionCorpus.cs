using System.Text.Json;
using AgentOps.Guardrails.Injection;

namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>One labelled item of <c>tests/fixtures/injection/corpus.jsonl</c>.</summary>
/// <param name="Split">The round the item was written in: <c>dev</c>, <c>round2</c>, <c>round3</c> (each measured before the patterns were tuned on it), or <c>holdout</c> (never tuned on); see SOURCES.md.</param>
internal sealed record CorpusItem(string Id, string Label, string Set, string Channel, string Kind, string Style, string Text, string Split)
{
    public bool IsAttack => Label == "attack";

    public ScanChannel ScanChannel => ScanChannels.TryParse(Channel, out var channel)
        ? channel
        : throw new InvalidDataException($"corpus item {Id}: unknown channel '{Channel}'");
}

/// <summary>The labelled injection corpus, and what the repository's patterns make of it.</summary>
internal static class InjectionCorpus
{
    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "fixtures", "injection", "corpus.jsonl");

    public static IReadOnlyList<CorpusItem> Load() => LoadFile("corpus.jsonl");

    /// <summary>
    /// What the shipped scorer is trained from, in this order: the corpus, the training supplements (attacks and text
    /// that quotes them; ordinary traffic; attacks without trigger words, tool output, use and mention; everyday traffic and
    /// other languages; round 9's attacks without trigger words, mention against use, and everyday chat with attacks
    /// woven in, requests that address the agent directly), and the blind sets that have been tuned on. Blind set 25
    /// is not here: it is the estimate.
    /// </summary>
    public static IReadOnlyList<string> TrainingFiles { get; } =
        ["corpus.jsonl", "train5.jsonl", "train6.jsonl", "blind.jsonl", "blind2.jsonl", "blind3.jsonl", "blind4.jsonl", "blind5.jsonl",
         "train7a.jsonl", "train7b.jsonl", "train7c.jsonl", "train8a.jsonl", "train8b.jsonl",
         "blind6.jsonl", "train9a.jsonl", "train9b.jsonl", "train9c.jsonl", "train9d.jsonl", "blind7.jsonl", "blind8.jsonl", "blind9.jsonl", "blind10.jsonl", "blind11.jsonl", "blind12.jsonl", "blind13.jsonl", "blind14.jsonl", "blind15.jsonl", "blind16.jsonl", "blind17.jsonl", "blind18.jsonl", "blind19.jsonl", "blind20.jsonl", "blind21.jsonl", "blind22.jsonl", "blind23.jsonl", "blind24.jsonl"];

    /// <summary>Every item the shipped scorer is trained from (<see cref="TrainingFiles"/>).</summary>
    public static IReadOnlyList<CorpusItem> LoadTraining() => [.. TrainingFiles.SelectMany(LoadFile)];

    /// <summary>The items of one labelled file in <c>fixtures/injection</c> (the corpus, or a blind set).</summary>
    public static IReadOnlyList<CorpusItem> LoadFile(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "injection", name);
        return File.ReadLines(path)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => JsonSerializer.Deserialize<CorpusItem>(line, JsonSerializerOptions.Web)
                ?? throw new InvalidDataException($"{path}: an empty item"))
            .ToArray();
    }
}

/// <summary>Detection and false-positive rates over the corpus; "detected" means flagged or blocked.</summary>
internal sealed record CorpusRates(
    int Direct, int DirectDetected, int Buried, int BuriedDetected, int Benign, int BenignFlagged,
    IReadOnlyList<(CorpusItem Item, InjectionScan Scan)> Misses, IReadOnlyList<(CorpusItem Item, InjectionScan Scan)> FalsePositives)
{
    public double DirectRate => (double)DirectDetected / Direct;

    public double BuriedRate => (double)BuriedDetected / Buried;

    public double FalsePositiveRate => (double)BenignFlagged / Benign;

    public static CorpusRates Measure(TextScreen screen, IReadOnlyList<CorpusItem> items)
    {
        var judged = items.Select(i => (Item: i, Scan: screen.Scan(i.Text, i.ScanChannel))).ToArray();
        bool Detected((CorpusItem Item, InjectionScan Scan) j) => j.Scan.Verdict != ScanVerdict.Allow;
        var direct = judged.Where(j => j.Item.Set == "direct").ToArray();
        var buried = judged.Where(j => j.Item.Set == "buried").ToArray();
        var benign = judged.Where(j => !j.Item.IsAttack).ToArray();
        return new CorpusRates(
            direct.Length, direct.Count(Detected), buried.Length, buried.Count(Detected), benign.Length, benign.Count(Detected),
            judged.Where(j => j.Item.IsAttack && !Detected(j)).ToArray(),
            benign.Where(Detected).ToArray());
    }

    public string Report()
    {
        var lines = new List<string>
        {
            "| Set | Items | Flagged or blocked | Rate |",
            "|---|---|---|---|",
            $"| direct attacks (request) | {Direct} | {DirectDetected} | {DirectRate:P1} |",
            $"| attacks buried in tool output | {Buried} | {BuriedDetected} | {BuriedRate:P1} |",
            $"| benign DevOps text (false positives) | {Benign} | {BenignFlagged} | {FalsePositiveRate:P1} |",
        };
        lines.AddRange(Misses.Select(m => $"missed {m.Item.Id} [{m.Item.Kind}/{m.Item.Style}] score {m.Scan.Score}: {Short(m.Item.Text)}"));
        lines.AddRange(FalsePositives.Select(f => $"false positive {f.Item.Id} [{f.Item.Kind}] {f.Scan.Describe()}: {Short(f.Item.Text)}"));
        return string.Join(Environment.NewLine, lines);
    }

    private static string Short(string text)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= 140 ? flat : flat[..140] + "…";
    }
}

/// <summary>What every blind set is (200 items: 80 direct, 40 buried, 80 benign) and how it is measured.</summary>
internal static class BlindSet
{
    /// <summary>The set's shape as its BLIND*.md states it, and no text shared with <paramref name="tunedOn"/>.</summary>
    public static void AssertShape(IReadOnlyList<CorpusItem> items, string split, IEnumerable<CorpusItem> tunedOn)
    {
        var seen = tunedOn.Select(i => i.Text).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(200, items.Count);
        Assert.Equal(items.Count, items.Select(i => i.Id).Distinct().Count());
        Assert.All(items, i => Assert.Equal(split, i.Split));
        Assert.Equal(80, items.Count(i => i.Set == "direct" && i.Channel == "request" && i.IsAttack));
        Assert.Equal(40, items.Count(i => i.Set == "buried" && i.Channel == "tool_output" && i.IsAttack));
        Assert.Equal(40, items.Count(i => !i.IsAttack && i.Channel == "request"));
        Assert.Equal(40, items.Count(i => !i.IsAttack && i.Channel == "tool_output"));
        // Ids only: a failure message that printed the items would show an unread set to whoever runs the tests.
        Assert.Empty(items.Where(i => seen.Contains(i.Text)).Select(i => i.Id));
    }

    /// <summary>
    /// What a blind set's test holds once it has been measured: buried detection at or above the 70% target, direct
    /// detection and false positives no worse than <paramref name="when"/>, and the scorer adding direct detections.
    /// </summary>
    public static void AssertHeld(CorpusRates rates, CorpusRates patternsOnly, double directFloor, double falsePositiveCeiling, string when)
    {
        Assert.True(rates.BuriedRate >= 0.70, $"buried detection {rates.BuriedRate:P1} is below 70%");
        Assert.True(rates.DirectRate >= directFloor - 1e-9, $"direct detection {rates.DirectRate:P1} fell below its level {when} ({directFloor:P1})");
        Assert.True(rates.FalsePositiveRate <= falsePositiveCeiling + 1e-9,
            $"false positives {rates.FalsePositiveRate:P1} rose above their level {when} ({falsePositiveCeiling:P1})");
        Assert.True(rates.DirectDetected > patternsOnly.DirectDetected, "the trained scorer adds no direct detection on unseen text");
    }

    /// <summary>The rates with the shipped policy (patterns and trained scorer) and with the patterns alone, both written to the test output.</summary>
    public static (CorpusRates Rates, CorpusRates PatternsOnly) Measure(IReadOnlyList<CorpusItem> items, Xunit.Abstractions.ITestOutputHelper output)
    {
        var rates = CorpusRates.Measure(new TextScreen(TestPolicy.Policy), items);
        var patternsOnly = CorpusRates.Measure(new TextScreen(TestPolicy.Policy with { Classifier = null }), items);
        output.WriteLine("patterns and trained scorer:");
        output.WriteLine(rates.Report());
        output.WriteLine("patterns alone:");
        output.WriteLine(patternsOnly.Report());
        return (rates, patternsOnly);
    }
}
