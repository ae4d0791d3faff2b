using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AgentOps.Guardrails.Injection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AgentOps.Guardrails.Policy;

/// <summary>Policy as data: injection and secret patterns, and resource limits, from <c>guardrails/*.yaml</c>.</summary>
public sealed record GuardrailPolicy(
    IReadOnlyList<PatternRule> InjectionPatterns,
    IReadOnlyList<PatternRule> SecretPatterns,
    ResourceLimits Limits)
{
    private static readonly TimeSpan s_regexTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>Injection score thresholds per channel, from <c>thresholds:</c> in <c>injection.yaml</c>.</summary>
    public InjectionThresholds Thresholds { get; init; } = InjectionThresholds.Default;

    /// <summary>The trained second scorer, from <c>classifier:</c> in <c>injection.yaml</c>; null when the file has none.</summary>
    public InjectionClassifierRule? Classifier { get; init; }

    /// <summary>The use–mention rule, from <c>mentions:</c> in <c>injection.yaml</c>; null when the file has none.</summary>
    public QuotedMentions? Mentions { get; init; }

    public static GuardrailPolicy Load(string directory)
    {
        var injection = Path.Combine(directory, "injection.yaml");
        return new(
            LoadPatterns(injection, "patterns", weighted: true),
            LoadPatterns(Path.Combine(directory, "secrets.yaml"), "patterns"),
            ResourceLimits.Load(Path.Combine(directory, "limits.yaml")))
        {
            Thresholds = LoadThresholds(injection),
            Classifier = LoadClassifier(injection),
            Mentions = LoadMentions(injection),
        };
    }

    /// <summary>
    /// The secret patterns and limits only, for redacting output (the tool servers). Injection screening is the
    /// orchestrator's job, and building its patterns for the non-backtracking engine was most of a server's start-up.
    /// </summary>
    public static GuardrailPolicy LoadForRedaction(string directory) => new(
        [],
        LoadPatterns(Path.Combine(directory, "secrets.yaml"), "patterns"),
        ResourceLimits.Load(Path.Combine(directory, "limits.yaml")));

    private static List<PatternRule> LoadPatterns(string file, string key, bool weighted = false)
    {
        var root = LoadRoot(file);
        if (!root.Children.TryGetValue(new YamlScalarNode(key), out var node) || node is not YamlSequenceNode list)
        {
            throw new InvalidDataException($"{file}: '{key}' must be a list.");
        }
        var rules = new List<PatternRule>();
        var firstLines = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var item in list.Children.OfType<YamlMappingNode>())
        {
            var id = Scalar(item, "id") ?? throw new InvalidDataException($"{file}: every pattern needs an id.");
            // A refusal names its pattern by id, and a weight counts once per id: a second pattern under an id in use
            // would hide behind the first in every explanation (round 20 added one by mistake).
            var line = item.Children[new YamlScalarNode("id")].Start.Line;
            if (!firstLines.TryAdd(id, line))
            {
                throw new InvalidDataException($"{file}:{line}: pattern id '{id}' is already used at line {firstLines[id]}; every pattern needs an id of its own.");
            }
            if (!item.Children.TryGetValue(new YamlScalarNode("regex"), out var regexNode) || regexNode is not YamlScalarNode { Value: { } pattern })
            {
                throw new InvalidDataException($"{file}: pattern '{id}' needs a regex.");
            }
            if (weighted)
            {
                RequireNormalised(file, $"pattern '{id}' regex", regexNode, pattern);
            }
            try
            {
                // A timeout bounds the cost of hostile input against a careless pattern.
                var (weight, channelWeights) = weighted ? Weights(file, id, item) : (1.0, null);
                var allow = weighted ? NoAllowList(file, id, item) : AllowList(file, id, item);
                rules.Add(new PatternRule(id, Compile(pattern), Scalar(item, "description") ?? id, weight, channelWeights, RequiredLiterals(file, id, pattern, item), allow));
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{file}: pattern '{id}' is not a valid regex: {ex.Message}", ex);
            }
        }
        return rules;
    }

    // The screen reads NFKC-normalised text (TextScreen.Normalise), so a character NFKC rewrites can never match there:
    // Thai "ำ" (U+0E33) reaches the patterns as "ํา", a full-width "，" as ",". Such a pattern loads and silently
    // never fires, so it is refused at load like any other mistake in the file.
    private static void RequireNormalised(string file, string what, YamlNode node, string pattern)
    {
        if (pattern.IsNormalized(NormalizationForm.FormKC))
        {
            return;
        }
        var offending = pattern.First(c => !c.ToString().IsNormalized(NormalizationForm.FormKC));
        throw new InvalidDataException(
            $"{file}:{node.Start.Line}: {what} holds '{offending}' (U+{(int)offending:X4}), which the screen never sees: text is NFKC-normalised before it is matched; write '{offending.ToString().Normalize(NormalizationForm.FormKC)}'.");
    }

    // weight: 0.5 and, optionally, weights: { tool_output: 0.3 } per channel. A pattern without a weight weighs 1.
    private static (double Weight, Dictionary<ScanChannel, double>? ChannelWeights) Weights(string file, string id, YamlMappingNode item)
    {
        var weight = item.Children.TryGetValue(new YamlScalarNode("weight"), out var node) ? Number(file, $"pattern '{id}' weight", node) : 1.0;
        if (!item.Children.TryGetValue(new YamlScalarNode("weights"), out var perChannel))
        {
            return (weight, null);
        }
        if (perChannel is not YamlMappingNode map)
        {
            throw new InvalidDataException($"{file}:{perChannel.Start.Line}: pattern '{id}' weights must map a channel to a number.");
        }
        var weights = new Dictionary<ScanChannel, double>();
        foreach (var (channelNode, value) in map.Children)
        {
            var name = (channelNode as YamlScalarNode)?.Value;
            if (!ScanChannels.TryParse(name, out var channel))
            {
                throw new InvalidDataException($"{file}:{channelNode.Start.Line}: pattern '{id}' weights: unknown channel '{name}' (known: request, tool_output, tool_argument).");
            }
            weights[channel] = Number(file, $"pattern '{id}' weights.{name}", value);
        }
        return (weight, weights);
    }

    // thresholds: { request: { flag: 0.5, block: 1.0 }, tool_output: {...}, tool_argument: {...} }; a channel left out
    // keeps the default (one full-weight pattern blocks, nothing short of it is flagged).
    private static InjectionThresholds LoadThresholds(string file)
    {
        var root = LoadRoot(file);
        if (!root.Children.TryGetValue(new YamlScalarNode("thresholds"), out var node))
        {
            return InjectionThresholds.Default;
        }
        if (node is not YamlMappingNode map)
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: 'thresholds' must map a channel to {{flag, block}}.");
        }
        var channels = new Dictionary<ScanChannel, ChannelThresholds>(InjectionThresholds.Default.Channels);
        foreach (var (channelNode, value) in map.Children)
        {
            var name = (channelNode as YamlScalarNode)?.Value;
            if (!ScanChannels.TryParse(name, out var channel))
            {
                throw new InvalidDataException($"{file}:{channelNode.Start.Line}: thresholds: unknown channel '{name}' (known: request, tool_output, tool_argument).");
            }
            if (value is not YamlMappingNode pair
                || !pair.Children.TryGetValue(new YamlScalarNode("flag"), out var flagNode)
                || !pair.Children.TryGetValue(new YamlScalarNode("block"), out var blockNode))
            {
                throw new InvalidDataException($"{file}:{value.Start.Line}: thresholds.{name} needs both 'flag' and 'block'.");
            }
            var flag = Number(file, $"thresholds.{name}.flag", flagNode);
            var block = Number(file, $"thresholds.{name}.block", blockNode);
            if (flag <= 0 || flag > block)
            {
                throw new InvalidDataException($"{file}:{value.Start.Line}: thresholds.{name}: flag must be above 0 and at most block (flag {flag}, block {block}).");
            }
            channels[channel] = new ChannelThresholds(flag, block);
        }
        return new InjectionThresholds(channels);
    }

    // classifier: { model: injection-model.tsv, threshold: 0.93, weights: { request: 0.5, tool_output: 0.5 } }; the
    // model file is found next to injection.yaml, and a malformed one fails the load with its own file and line.
    private static InjectionClassifierRule? LoadClassifier(string file)
    {
        var root = LoadRoot(file);
        if (!root.Children.TryGetValue(new YamlScalarNode("classifier"), out var node))
        {
            return null;
        }
        if (node is not YamlMappingNode map)
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: 'classifier' must map model, threshold and weights.");
        }
        foreach (var key in map.Children.Keys)
        {
            if ((key as YamlScalarNode)?.Value is not ("model" or "threshold" or "weights"))
            {
                throw new InvalidDataException($"{file}:{key.Start.Line}: classifier: unknown field '{(key as YamlScalarNode)?.Value}' (known: model, threshold, weights).");
            }
        }
        if (!map.Children.TryGetValue(new YamlScalarNode("model"), out var modelNode) || modelNode is not YamlScalarNode { Value: { Length: > 0 } name })
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: classifier.model must name the model file (next to {Path.GetFileName(file)}).");
        }
        if (Path.IsPathRooted(name) || name.Contains("..", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{file}:{modelNode.Start.Line}: classifier.model must be a file name in the guardrails directory, not '{name}'.");
        }
        if (!map.Children.TryGetValue(new YamlScalarNode("threshold"), out var thresholdNode))
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: classifier.threshold is missing (a probability above 0 and below 1).");
        }
        var threshold = Number(file, "classifier.threshold", thresholdNode);
        if (threshold <= 0 || threshold >= 1)
        {
            throw new InvalidDataException($"{file}:{thresholdNode.Start.Line}: classifier.threshold must be a probability above 0 and below 1 (not {threshold}).");
        }
        var weights = new Dictionary<ScanChannel, double>();
        if (map.Children.TryGetValue(new YamlScalarNode("weights"), out var weightsNode))
        {
            if (weightsNode is not YamlMappingNode perChannel)
            {
                throw new InvalidDataException($"{file}:{weightsNode.Start.Line}: classifier.weights must map a channel to a number.");
            }
            foreach (var (channelNode, value) in perChannel.Children)
            {
                var channelName = (channelNode as YamlScalarNode)?.Value;
                if (!ScanChannels.TryParse(channelName, out var channel))
                {
                    throw new InvalidDataException($"{file}:{channelNode.Start.Line}: classifier.weights: unknown channel '{channelName}' (known: request, tool_output, tool_argument).");
                }
                weights[channel] = Number(file, $"classifier.weights.{channelName}", value);
            }
        }
        var modelFile = Path.Combine(Path.GetDirectoryName(file) ?? ".", name);
        return new InjectionClassifierRule(InjectionClassifier.Load(modelFile), modelFile, threshold, weights);
    }

    private static readonly string[] s_mentionFields = ["channels", "quote", "before", "after", "discussion", "obey", "strong_discussion"];

    // mentions: { channels: [tool_output], quote: '…(?<body>…)…', before: '…$', after: '^…', discussion: '…', obey: '…' }:
    // every field is required, so a half-written rule fails the load instead of blanking more (or less) than it says.
    // Optional: strong_discussion: { regex: '…', at_least: 1 } (unframed quotations in a text plainly about attacks).
    private static QuotedMentions? LoadMentions(string file)
    {
        var root = LoadRoot(file);
        if (!root.Children.TryGetValue(new YamlScalarNode("mentions"), out var node))
        {
            return null;
        }
        if (node is not YamlMappingNode map)
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: 'mentions' must map {string.Join(", ", s_mentionFields)}.");
        }
        foreach (var key in map.Children.Keys)
        {
            if (!s_mentionFields.Contains((key as YamlScalarNode)?.Value))
            {
                throw new InvalidDataException($"{file}:{key.Start.Line}: mentions: unknown field '{(key as YamlScalarNode)?.Value}' (known: {string.Join(", ", s_mentionFields)}).");
            }
        }
        Regex Field(string name)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(name), out var value) || value is not YamlScalarNode { Value: { Length: > 0 } pattern })
            {
                throw new InvalidDataException($"{file}:{node.Start.Line}: mentions.{name} is missing (a regex).");
            }
            RequireNormalised(file, $"mentions.{name}", value, pattern);
            try
            {
                var regex = CompileLinear(pattern);
                // A frame or a discussion cue that matches empty text would make every quotation a mention.
                if (regex.IsMatch(string.Empty))
                {
                    throw new InvalidDataException($"{file}:{value.Start.Line}: mentions.{name} matches empty text.");
                }
                return regex;
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{file}:{value.Start.Line}: mentions.{name} is not a valid regex: {ex.Message}", ex);
            }
        }
        var quote = Field("quote");
        if (Array.IndexOf(quote.GetGroupNames(), "body") < 0)
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: mentions.quote needs a group named 'body' (the part that is blanked).");
        }
        if (!map.Children.TryGetValue(new YamlScalarNode("channels"), out var channelsNode) || channelsNode is not YamlSequenceNode channelList || channelList.Children.Count == 0)
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: mentions.channels must list at least one channel.");
        }
        var channels = new HashSet<ScanChannel>();
        foreach (var entry in channelList.Children)
        {
            var name = (entry as YamlScalarNode)?.Value;
            if (!ScanChannels.TryParse(name, out var channel))
            {
                throw new InvalidDataException($"{file}:{entry.Start.Line}: mentions.channels: unknown channel '{name}' (known: request, tool_output, tool_argument).");
            }
            channels.Add(channel);
        }
        var (strong, atLeast) = StrongDiscussion(file, map);
        return new QuotedMentions(quote, Field("before"), Field("after"), Field("discussion"), Field("obey"), channels, strong, atLeast);
    }

    private static (Regex? Regex, int AtLeast) StrongDiscussion(string file, YamlMappingNode mentions)
    {
        if (!mentions.Children.TryGetValue(new YamlScalarNode("strong_discussion"), out var node))
        {
            return (null, 0);
        }
        if (node is not YamlMappingNode map || map.Children.Count != 2
            || !map.Children.TryGetValue(new YamlScalarNode("regex"), out var regexNode) || regexNode is not YamlScalarNode { Value: { Length: > 0 } pattern }
            || !map.Children.TryGetValue(new YamlScalarNode("at_least"), out var countNode) || countNode is not YamlScalarNode { Value: { } count })
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: mentions.strong_discussion must map exactly regex (a regex) and at_least (a whole number of 1 or more).");
        }
        RequireNormalised(file, "mentions.strong_discussion.regex", regexNode, pattern);
        if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var atLeast) || atLeast < 1)
        {
            throw new InvalidDataException($"{file}:{countNode.Start.Line}: mentions.strong_discussion.at_least must be a whole number of 1 or more, not '{count}'.");
        }
        try
        {
            var regex = CompileLinear(pattern);
            return regex.IsMatch(string.Empty)
                ? throw new InvalidDataException($"{file}:{regexNode.Start.Line}: mentions.strong_discussion.regex matches empty text.")
                : (regex, atLeast);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{file}:{regexNode.Start.Line}: mentions.strong_discussion.regex is not a valid regex: {ex.Message}", ex);
        }
    }

    private static double Number(string file, string field, YamlNode node) =>
        node is YamlScalarNode { Value: { } text } && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && value >= 0 && value <= 100
            ? value
            : throw new InvalidDataException($"{file}:{node.Start.Line}: {field} must be a number from 0 to 100.");

    // A literal the regex does not even spell out cannot be one every match contains: a typo here would skip the
    // pattern on text it should catch, so it fails the load instead.
    private static List<string>? RequiredLiterals(string file, string id, string pattern, YamlMappingNode item)
    {
        if (!item.Children.TryGetValue(new YamlScalarNode("requires"), out var node))
        {
            return null;
        }
        if (node is not YamlSequenceNode list || list.Children.Count == 0)
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: pattern '{id}' requires must be a non-empty list of literals.");
        }
        var literals = new List<string>();
        foreach (var entry in list.Children)
        {
            if (entry is not YamlScalarNode { Value: { Length: > 0 } literal })
            {
                throw new InvalidDataException($"{file}:{entry.Start.Line}: pattern '{id}' requires holds an empty or non-text entry.");
            }
            if (!pattern.Contains(literal, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"{file}:{entry.Start.Line}: pattern '{id}' requires '{literal}', which its regex does not contain.");
            }
            literals.Add(literal);
        }
        return literals;
    }

    // allow: regexes for known false positives (gitleaks' allowlist regexes). Each must compile and must not match empty
    // text: an allow regex that matches anything (".*", "x?") would excuse every match of the pattern, so it fails the
    // load instead of quietly switching the pattern off.
    private static List<Regex>? AllowList(string file, string id, YamlMappingNode item)
    {
        if (!item.Children.TryGetValue(new YamlScalarNode("allow"), out var node))
        {
            return null;
        }
        if (node is not YamlSequenceNode list || list.Children.Count == 0)
        {
            throw new InvalidDataException($"{file}:{node.Start.Line}: pattern '{id}' allow must be a non-empty list of regexes.");
        }
        var allow = new List<Regex>();
        foreach (var entry in list.Children)
        {
            if (entry is not YamlScalarNode { Value: { Length: > 0 } text })
            {
                throw new InvalidDataException($"{file}:{entry.Start.Line}: pattern '{id}' allow holds an empty or non-text entry.");
            }
            Regex regex;
            try
            {
                regex = Compile(text);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{file}:{entry.Start.Line}: pattern '{id}' allow: '{text}' is not a valid regex: {ex.Message}", ex);
            }
            if (regex.IsMatch(string.Empty))
            {
                throw new InvalidDataException($"{file}:{entry.Start.Line}: pattern '{id}' allow: '{text}' matches empty text, so it would excuse every match.");
            }
            allow.Add(regex);
        }
        return allow;
    }

    // Injection patterns score text; an allow-list there would be silently ignored, so it is refused.
    private static List<Regex>? NoAllowList(string file, string id, YamlMappingNode item) =>
        item.Children.TryGetValue(new YamlScalarNode("allow"), out var node)
            ? throw new InvalidDataException($"{file}:{node.Start.Line}: pattern '{id}': allow is only for secret patterns.")
            : null;

    // Screening runs over every argument, including whole pull-request descriptions, so its cost must not depend on
    // how a pattern backtracks: the non-backtracking engine is linear in the input. But building a pattern on that
    // engine costs up to 185 ms of CPU, so every pattern starts on the backtracking interpreter (well under a
    // millisecond to build) and is promoted when it times out there or has been used enough (PatternRule.Promote).
    // Not RegexOptions.Compiled: a compiled pattern is JIT-compiled during its first match, inside the timeout, and on
    // a loaded machine that alone took over 300 ms and refused valid input.
    private static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, s_regexTimeout);

    // The mentions' regexes run on every scanned text of their channels with no retry or fallback around them, so they
    // are built on the linear engine straight away (where it can run them; the rest on the interpreter, bounded by
    // the timeout as before). They are five, and cheap to build next to the injection patterns.
    private static Regex CompileLinear(string pattern)
    {
        var interpreted = Compile(pattern);
        return LinearEngine.TryBuild(pattern, interpreted) ?? interpreted;
    }

    internal static YamlMappingNode LoadRoot(string file)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"Guardrail policy file '{file}' is missing.", file);
        }
        var yaml = new YamlStream();
        using var reader = File.OpenText(file);
        try
        {
            yaml.Load(reader);
        }
        catch (YamlException ex)
        {
            // YamlDotNet's message has the line and column but not the file; a policy error must name all three.
            throw new InvalidDataException($"{file}:{ex.Start.Line}: not valid YAML (column {ex.Start.Column}): {ex.Message}", ex);
        }
        return yaml.Documents.Count > 0 && yaml.Documents[0].RootNode is YamlMappingNode map
            ? map
            : throw new InvalidDataException($"{file}: expected a mapping at the top.");
    }

    internal static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;
}
