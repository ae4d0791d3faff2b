namespace AgentOps.Guardrails.Injection;

/// <summary>A text cut into words, each with the ids of its features; its bigram with the word before kept apart.</summary>
internal sealed class TrainingText(List<int>[] features, int[] bigrams)
{
    public int Words => features.Length;

    /// <summary>
    /// The example for window <c>[start, start + window)</c>: every feature's count over one over the square root of
    /// the window's total, as <see cref="InjectionClassifier"/> scores it, and the bias.
    /// </summary>
    public TrainingExample Window(int start, int window, int label, ulong order)
    {
        var counts = new SortedDictionary<int, int>();
        var end = Math.Min(features.Length, start + window);
        var total = 0;
        for (var i = start; i < end; i++)
        {
            foreach (var id in features[i])
            {
                counts[id] = counts.GetValueOrDefault(id) + 1;
                total++;
            }
            if (i > start && bigrams[i] > 0)
            {
                counts[bigrams[i]] = counts.GetValueOrDefault(bigrams[i]) + 1;
                total++;
            }
        }
        var ids = new int[counts.Count + 1];
        var values = new double[counts.Count + 1];
        values[0] = 1;
        var scale = total > 0 ? 1 / Math.Sqrt(total) : 0;
        var k = 1;
        foreach (var (id, count) in counts)
        {
            ids[k] = id;
            values[k] = count * scale;
            k++;
        }
        return new TrainingExample(ids, values, label, order);
    }

    /// <summary>
    /// The start, one word apart, of the window whose logit under <paramref name="weights"/> is highest (the first among
    /// equals): the logit <see cref="Window"/>'s example would give, read from per-word sums instead of building every
    /// window's example, which was most of a training (a buried attack has a window at every word).
    /// </summary>
    public int MostSuspiciousWindow(int window, double[] weights)
    {
        var words = features.Length;
        if (words <= window)
        {
            return 0;
        }
        var sums = new double[words];
        var counts = new int[words];
        for (var i = 0; i < words; i++)
        {
            var sum = 0.0;
            foreach (var id in features[i])
            {
                sum += weights[id];
            }
            sums[i] = sum;
            counts[i] = features[i].Count;
        }
        var best = 0;
        var bestLogit = double.NegativeInfinity;
        for (var start = 0; start + window <= words; start++)
        {
            var sum = 0.0;
            var total = 0;
            for (var i = start; i < start + window; i++)
            {
                sum += sums[i];
                total += counts[i];
                if (i > start && bigrams[i] > 0)
                {
                    sum += weights[bigrams[i]];
                    total++;
                }
            }
            var logit = weights[0] + (total > 0 ? sum / Math.Sqrt(total) : 0);
            if (logit > bestLogit)
            {
                best = start;
                bestLogit = logit;
            }
        }
        return best;
    }
}
