namespace AgentOps.Guardrails.Policy;

/// <summary>Upper bounds on what one step may do, from <c>guardrails/limits.yaml</c>.</summary>
public sealed record ResourceLimits(int MaxStepsPerPlan, int MaxFilesPerWrite, int MaxFileBytes, int MaxArgumentBytes)
{
    public static ResourceLimits Load(string file)
    {
        var root = GuardrailPolicy.LoadRoot(file);
        return new ResourceLimits(
            Read(root, file, "maxStepsPerPlan"),
            Read(root, file, "maxFilesPerWrite"),
            Read(root, file, "maxFileBytes"),
            Read(root, file, "maxArgumentBytes"));
    }

    private static int Read(YamlDotNet.RepresentationModel.YamlMappingNode root, string file, string key) =>
        int.TryParse(GuardrailPolicy.Scalar(root, key), out var value) && value > 0
            ? value
            : throw new InvalidDataException($"{file}: '{key}' must be a positive integer.");
}
