using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Tests.Policy;

public sealed class ResourceLimitsTests : IDisposable
{
    private const string Valid = "maxStepsPerPlan: 20\nmaxFilesPerWrite: 10\nmaxFileBytes: 65536\nmaxArgumentBytes: 262144\n";

    private readonly string _file = Path.Combine(Path.GetTempPath(), "agentops-guardrails-tests", Guid.NewGuid().ToString("N"), "limits.yaml");

    public ResourceLimitsTests() => Directory.CreateDirectory(Path.GetDirectoryName(_file)!);

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);

    [Fact]
    public void Load_ValidFile_ReadsEveryLimit()
    {
        File.WriteAllText(_file, "maxStepsPerPlan: 5\nmaxFilesPerWrite: 4\nmaxFileBytes: 3\nmaxArgumentBytes: 2\n");

        var sut = ResourceLimits.Load(_file);

        Assert.Equal(new ResourceLimits(5, 4, 3, 2), sut);
    }

    [Theory]
    [InlineData("maxFilesPerWrite: 10", "maxFilesPerWrite: 0", "maxFilesPerWrite")]
    [InlineData("maxFileBytes: 65536", "maxFileBytes: -1", "maxFileBytes")]
    [InlineData("maxStepsPerPlan: 20", "maxStepsPerPlan: twenty", "maxStepsPerPlan")]
    [InlineData("maxArgumentBytes: 262144\n", "", "maxArgumentBytes")]
    public void Load_MissingOrNonPositiveLimit_FailsNamingFileAndKey(string find, string replace, string key)
    {
        File.WriteAllText(_file, Valid.Replace(find, replace, StringComparison.Ordinal));

        var error = Assert.Throws<InvalidDataException>(() => ResourceLimits.Load(_file));

        Assert.Contains(_file, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{key}' must be a positive integer", error.Message, StringComparison.Ordinal);
    }
}
