using AgentOps.Guardrails.Approvals;

namespace AgentOps.Guardrails.Tests.Approvals;

public sealed class ApprovalPolicyTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "agentops-approvals-" + Guid.NewGuid().ToString("N"));

    public ApprovalPolicyTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_RepositoryFile_ReadsEveryRule()
    {
        var sut = ApprovalPolicy.Load(TestPolicy.GuardrailsDirectory);

        Assert.Equal(1, sut.RequiredApprovals);
        Assert.Equal(TimeSpan.FromHours(24), sut.ExpiresAfter);
        Assert.Equal(2, sut.RequiredFor(production: true));
        Assert.Equal(2, sut.BreakGlassApprovers);
        Assert.Contains("production", sut.Production.Namespaces);
        Assert.True(sut.Owners.Owns("bob@example.com", "teams/payments/databases/orders-db/claim.yaml"));
        Assert.False(sut.Owners.Owns("mallory@example.com", "teams/payments/databases/orders-db/claim.yaml"));
    }

    [Fact]
    public void Load_NoFile_Defaults()
    {
        var sut = ApprovalPolicy.Load(_dir);

        Assert.Same(ApprovalPolicy.Default, sut);
    }

    [Theory]
    [InlineData("required: 2\nexpiresAfter: 30\n", 2, "expiresAfter")]
    [InlineData("required: 0\n", 1, "required")]
    [InlineData("required: 2\nbreakGlass:\n  approvers: 1\n", 3, "breakGlass.approvers")]
    [InlineData("required: 2\nrequierd: 3\n", 2, "requierd")]
    [InlineData("production:\n  namespace: [prod]\n", 2, "production.namespace")]
    public void Load_BadField_ThrowsNamingFileLineAndField(string yaml, int line, string field)
    {
        File.WriteAllText(Path.Combine(_dir, "approvals.yaml"), yaml);

        var error = Assert.Throws<InvalidDataException>(() => ApprovalPolicy.Load(_dir));

        Assert.StartsWith($"{Path.Combine(_dir, "approvals.yaml")}:{line}:", error.Message, StringComparison.Ordinal);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DurationWithUnit_ReadsIt()
    {
        File.WriteAllText(Path.Combine(_dir, "approvals.yaml"), "required: 2\nexpiresAfter: 90m\n");

        var sut = ApprovalPolicy.Load(_dir);

        Assert.Equal((2, TimeSpan.FromMinutes(90)), (sut.RequiredApprovals, sut.ExpiresAfter));
    }
}
