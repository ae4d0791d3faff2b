using AgentOps.Guardrails.Injection;
using Xunit.Abstractions;

namespace AgentOps.Guardrails.Tests.Injection;

/// <summary>
/// The honest estimate of the trained scorer: leave-one-split-out cross-validation over everything it is trained from
/// (the corpus's rounds, the training supplement, the tuned-on blind sets). For each split, a model is trained with the
/// shipped options on every other split and scores the held-out one, reading what the screen would give it (normalised,
/// quoted mentions blanked on their channels); the figures, per split, are for the patterns and the scorer together (as
/// the screen judges, a flag at the scorer's threshold) and for the scorer alone. The shipped threshold must keep the
/// false positives the scorer ADDS to the patterns' at or under 2% on every held-out split: the patterns' own false
/// positives on the hardest splits (the training supplement quotes attacks in a third of its benign text) are theirs.
/// </summary>
[Collection(CorpusCollection.Name)]
public sealed class InjectionClassifierCrossValidationTests(ITestOutputHelper output)
{
    private const double FalsePositiveBound = 0.02;

    [Fact]
    public void CrossValidation_LeaveOneSplitOut_TheScorerAddsAtMostTwoPercentFalsePositivesOnEverySplit()
    {
        var policy = TestPolicy.Policy;
        var classifier = policy.Classifier ?? throw new InvalidOperationException("injection.yaml has no classifier");
        var patternsOnly = new TextScreen(policy with { Classifier = null }, buildAutomatonAfterScans: int.MaxValue);
        var items = InjectionCorpus.LoadTraining();
        var training = items.Select(i => new InjectionTrainingItem(i.Id, i.IsAttack, i.Text, i.Split)).ToArray();
        var splits = items.Select(i => i.Split).Distinct().ToArray();
        // Trained as the shipped model was: its settings carry the intent classes it was trained with.
        var options = InjectionTrainerOptions.Default with { Settings = classifier.Model.Settings };
        var probability = new double[items.Count];
        // One training a split (about 30 s each): the folds are independent and each writes only its own items'
        // probabilities, so they run on every core; training is deterministic, so the figures do not depend on order.
        Parallel.ForEach(splits, split =>
        {
            var model = InjectionTrainer.Train(training.Where(t => t.Split != split).ToArray(), options);
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].Split == split)
                {
                    var read = TextScreen.Normalise(items[i].Text);
                    probability[i] = model.Score(policy.Mentions?.Blank(read, items[i].ScanChannel) ?? read).Probability;
                }
            }
        });
        var patterns = items.Select(i => patternsOnly.Scan(i.Text, i.ScanChannel).Verdict != ScanVerdict.Allow).ToArray();
        var weights = items.Select(i => classifier.WeightOn(i.ScanChannel)).ToArray();
        var flags = items.Select(i => policy.Thresholds.For(i.ScanChannel).Flag).ToArray();

        // Detected together: a pattern flags, or the scorer's weight alone reaches the channel's flag threshold.
        bool Together(int i, double threshold) => patterns[i] || (probability[i] >= threshold && weights[i] >= flags[i]);
        bool Alone(int i, double threshold) => probability[i] >= threshold;
        double WorstSplitFalsePositives(double threshold) => splits.Max(split =>
        {
            var benign = Enumerable.Range(0, items.Count).Where(i => items[i].Split == split && !items[i].IsAttack).ToArray();
            return (double)benign.Count(i => Together(i, threshold) && !patterns[i]) / benign.Length;
        });
        var lowest = Enumerable.Range(1, 999).Select(k => k / 1000.0).First(t => WorstSplitFalsePositives(t) <= FalsePositiveBound);

        output.WriteLine($"Leave-one-split-out cross-validation, scorer threshold {classifier.Threshold} (the lowest keeping the scorer's added false positives at or under {FalsePositiveBound:P0} on every split is {lowest:0.000}):");
        output.WriteLine("| Held-out split | Direct: together / scorer alone | Buried: together / scorer alone | False positives: together / scorer alone |");
        output.WriteLine("|---|---|---|---|");
        foreach (var split in splits.Append("all"))
        {
            var held = Enumerable.Range(0, items.Count).Where(i => split == "all" || items[i].Split == split).ToArray();
            string Rate(string set, bool benign)
            {
                var chosen = held.Where(i => benign ? !items[i].IsAttack : items[i].Set == set).ToArray();
                var together = chosen.Count(i => Together(i, classifier.Threshold));
                var alone = chosen.Count(i => Alone(i, classifier.Threshold));
                return $"{together}/{chosen.Length} ({(double)together / chosen.Length:P1}) / {alone}/{chosen.Length} ({(double)alone / chosen.Length:P1})";
            }
            output.WriteLine($"| {split} | {Rate("direct", false)} | {Rate("buried", false)} | {Rate("benign", true)} |");
        }

        Assert.True(classifier.Threshold >= lowest,
            $"the threshold {classifier.Threshold} adds more than {FalsePositiveBound:P0} false positives to the patterns' on a held-out split; the lowest that does not is {lowest:0.000}");
        Assert.True(WorstSplitFalsePositives(classifier.Threshold) <= FalsePositiveBound);
        // The scorer must add something on text it never saw, or it is dead weight on every scan.
        Assert.True(Enumerable.Range(0, items.Count).Count(i => items[i].IsAttack && Alone(i, classifier.Threshold)) >= items.Count(i => i.IsAttack) / 5,
            "the scorer alone detects under a fifth of the attacks it was not trained on");
    }
}
