namespace AgentOps.Guardrails.Injection;

/// <summary>One window as the trainer sees it: feature ids (0 is the bias) with their scaled counts, sorted by id.</summary>
internal sealed record TrainingExample(int[] Ids, double[] Values, int Label, ulong Order)
{
    public double Logit(double[] weights)
    {
        var logit = 0.0;
        for (var k = 0; k < Ids.Length; k++)
        {
            logit += weights[Ids[k]] * Values[k];
        }
        return logit;
    }
}
