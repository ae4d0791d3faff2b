namespace AgentOps.Cli.Tests;

/// <summary>
/// L3 on the local forge through the real binary: CODEOWNERS decides who may approve a pull request, and a merge needs
/// the N of approvals.yaml (here set to 2) of the tip it merges.
/// </summary>
public sealed class ForgeApprovalQuorumEndToEndTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _guardrails = new();
    private readonly CliProcess _sut;
    private readonly ForgeInspector _forge;

    public ForgeApprovalQuorumEndToEndTests()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "guardrails")))
        {
            File.Copy(file, Path.Combine(_guardrails.Path, Path.GetFileName(file)));
        }
        var approvals = Path.Combine(_guardrails.Path, "approvals.yaml");
        var text = File.ReadAllText(approvals);
        Assert.Contains("\nrequired: 1\n", text, StringComparison.Ordinal);
        File.WriteAllText(approvals, text.Replace("\nrequired: 1\n", "\nrequired: 2\n", StringComparison.Ordinal));
        _sut = new CliProcess(_data.Path, new Dictionary<string, string> { ["AgentOps__Guardrails__Directory"] = _guardrails.Path });
        _forge = new ForgeInspector(_data.Path);
    }

    public void Dispose()
    {
        _data.Dispose();
        _guardrails.Dispose();
    }

    [Fact]
    public async Task Pr_NonOwnerRefused_OneOfTwoApprovalsCannotMerge_TwoOwnersCan()
    {
        var chat = await _sut.RunAsync("chat", ChatEndToEndTests.ReadmeRequest, "--json");
        Assert.True(chat.ExitCode == 0, chat.ToString());

        var stranger = await _sut.RunAsync("pr", "approve", "1", "--as", "mallory@example.com", "--json");
        Assert.Equal(3, stranger.ExitCode);
        Assert.Equal("forge.review.not-owner", stranger.Json["error"]!["rule"]!.GetValue<string>());
        Assert.Contains("@acme/payments", stranger.Json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var bob = await _sut.RunAsync("pr", "approve", "1", "--as", "bob@example.com");
        Assert.True(bob.ExitCode == 0, bob.ToString());
        var early = await _sut.RunAsync("pr", "merge", "1", "--as", "bob@example.com", "--json");
        Assert.Equal(3, early.ExitCode);
        Assert.Equal("forge.review.quorum", early.Json["error"]!["rule"]!.GetValue<string>());
        Assert.Contains("1 of 2", early.Json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("teams/payments/databases/payments-api-db/claim.yaml", _forge.Files("main").Keys);

        var carol = await _sut.RunAsync("pr", "approve", "1", "--as", "carol@example.com");
        Assert.True(carol.ExitCode == 0, carol.ToString());
        var merge = await _sut.RunAsync("pr", "merge", "1", "--as", "carol@example.com", "--json");
        Assert.True(merge.ExitCode == 0, merge.ToString());
        Assert.Contains("teams/payments/databases/payments-api-db/claim.yaml", _forge.Files("main").Keys);
    }
}
