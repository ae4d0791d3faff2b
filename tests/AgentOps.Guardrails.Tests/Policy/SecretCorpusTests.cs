using System.Text;
using AgentOps.Guardrails.Policy;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;

namespace AgentOps.Guardrails.Tests.Policy;

/// <summary>
/// The secret corpus (<c>tests/fixtures/secrets/corpus.yaml</c>) against the repository's own
/// <c>guardrails/secrets.yaml</c>: every true positive is found under its rule and redacted, every known false positive
/// (documentation keys, placeholders, variable references) and every benign text is neither found nor changed. Per-rule
/// counts go to the test output.
/// </summary>
public sealed class SecretCorpusTests(ITestOutputHelper output)
{
    internal sealed record Item(int Number, string Kind, string? Rule, string? Near, string Text);

    private static readonly string[] s_kinds = ["true-positive", "known-false-positive", "benign"];

    internal static List<Item> Load()
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(AppContext.BaseDirectory, "fixtures", "secrets", "corpus.yaml")))
        {
            yaml.Load(reader);
        }
        var items = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("items")];
        return items.Children.Cast<YamlMappingNode>().Select((node, i) => new Item(
            i + 1,
            GuardrailPolicy.Scalar(node, "kind") ?? throw new InvalidDataException($"item {i + 1} has no kind"),
            GuardrailPolicy.Scalar(node, "rule"),
            GuardrailPolicy.Scalar(node, "near"),
            // Block scalars end with a line break; the text is what is between.
            (GuardrailPolicy.Scalar(node, "text") ?? throw new InvalidDataException($"item {i + 1} has no text")).TrimEnd('\n'))).ToList();
    }

    [Fact]
    public void Corpus_CoversEveryRuleWithTwoTruePositivesAndHasKnownFalsePositives()
    {
        var items = Load();
        var rules = TestPolicy.Policy.SecretPatterns.Select(p => p.Id).ToArray();

        Assert.All(items, i => Assert.Contains(i.Kind, s_kinds));
        Assert.All(items.Where(i => i.Kind == "true-positive"), i => Assert.Contains(i.Rule, rules));
        Assert.All(items.Where(i => i.Kind != "true-positive"), i => Assert.Null(i.Rule));
        Assert.All(items.Where(i => i.Near is not null), i => Assert.Contains(i.Near, rules));
        Assert.All(rules, rule => Assert.True(items.Count(i => i.Kind == "true-positive" && i.Rule == rule) >= 2, $"{rule} has fewer than two true positives"));
        // The allow-lists of the shipped rules each have at least one known false positive that exercises them.
        Assert.All(TestPolicy.Policy.SecretPatterns.Where(p => p.Allow is not null),
            rule => Assert.Contains(items, i => i.Kind == "known-false-positive" && i.Near == rule.Id));
        Assert.Contains(items, i => i.Kind == "known-false-positive" && i.Text == "AKIAIOSFODNN7EXAMPLE");
    }

    [Fact]
    public void Corpus_EveryItemScreensAsLabelled()
    {
        var screen = new TextScreen(TestPolicy.Policy);
        var items = Load();
        var problems = new List<string>();
        var counts = TestPolicy.Policy.SecretPatterns.ToDictionary(p => p.Id, _ => new int[4]); // TP, FN, FP, excused

        foreach (var item in items)
        {
            var found = screen.FindSecret(item.Text)?.Id;
            var redacted = screen.Redact(item.Text);
            if (item.Kind == "true-positive")
            {
                counts[item.Rule!][found == item.Rule ? 0 : 1]++;
                if (found != item.Rule)
                {
                    problems.Add($"#{item.Number} expected {item.Rule}, found {found ?? "nothing"}: {item.Text}");
                }
                if (!redacted.Contains($"[REDACTED:{item.Rule}]", StringComparison.Ordinal))
                {
                    problems.Add($"#{item.Number} not redacted as {item.Rule}: {redacted}");
                }
                continue;
            }
            if (found is not null)
            {
                counts[found][2]++;
                problems.Add($"#{item.Number} ({item.Kind}) matched {found}: {item.Text}");
            }
            else if (item.Kind == "known-false-positive")
            {
                counts[item.Near!][3]++;
            }
            if (!ReferenceEquals(redacted, item.Text) && redacted != item.Text)
            {
                problems.Add($"#{item.Number} ({item.Kind}) was changed by redaction: {redacted}");
            }
        }

        var report = new StringBuilder($"{items.Count} items: {items.Count(i => i.Kind == "true-positive")} true positives, " +
            $"{items.Count(i => i.Kind == "known-false-positive")} known false positives, {items.Count(i => i.Kind == "benign")} benign\n");
        report.AppendLine($"{"rule",-28} {"TP",4} {"FN",4} {"FP",4} {"allowed",8}");
        foreach (var (rule, c) in counts)
        {
            report.AppendLine($"{rule,-28} {c[0],4} {c[1],4} {c[2],4} {c[3],8}");
        }
        output.WriteLine(report.ToString());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void KnownFalsePositives_WithoutTheAllowLists_AllMatch()
    {
        // The allow-lists are what excuse them: with every allow-list removed, the known false positives match again.
        // (A corpus item that matched nothing anyway would prove nothing about the allow-lists.)
        var bare = TestPolicy.Policy with { SecretPatterns = TestPolicy.Policy.SecretPatterns.Select(p => p with { Allow = null }).ToArray() };
        var screen = new TextScreen(bare);

        var unexcused = Load().Where(i => i.Kind == "known-false-positive").Where(i => screen.FindSecret(i.Text) is null).Select(i => i.Text).ToArray();

        Assert.Empty(unexcused);
    }
}
