using System.Text.RegularExpressions;
using AgentOps.Manifests;

namespace AgentOps.Cli.Tests;

/// <summary>
/// The README's run command, end to end: the real CLI starts the real Git and Crossplane MCP servers as child
/// processes, and we read the result back from the forge's bare repository and the SQLite audit log.
/// </summary>
public sealed class ChatEndToEndTests : IDisposable
{
    public const string ReadmeRequest = "I need a PostgreSQL database for my new service payments-api, small size, EU region, with daily backups";

    private readonly TempDirectory _data = new();
    private readonly CliProcess _sut;
    private readonly ForgeInspector _forge;

    public ChatEndToEndTests()
    {
        _sut = new CliProcess(_data.Path);
        _forge = new ForgeInspector(_data.Path);
    }

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Chat_ReadmeRequest_OpensPullRequestWithValidManifests()
    {
        var result = await _sut.RunAsync("chat", ReadmeRequest, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json;
        Assert.Equal("PullRequestOpened", json["status"]!.GetValue<string>());
        Assert.Equal(1, json["pullRequest"]!["id"]!.GetValue<long>());
        Assert.Equal("postgresql", json["parameters"]!["engine"]!.GetValue<string>());
        Assert.Equal("small", json["parameters"]!["size"]!.GetValue<string>());
        Assert.Equal("eu-west-1", json["parameters"]!["region"]!.GetValue<string>());
        Assert.Equal("daily", json["parameters"]!["backup_schedule"]!.GetValue<string>());
        Assert.Equal("payments-api", json["parameters"]!["service"]!.GetValue<string>());
        Assert.Equal("payments", json["parameters"]!["namespace"]!.GetValue<string>());
        Assert.Equal("payments-api-db-connection", json["connectionSecret"]!.GetValue<string>());
        Assert.Matches("^sha256:[0-9a-f]{64}$", json["planDigest"]!.GetValue<string>());

        const string Branch = "agentops/payments/payments-api-db";
        Assert.Equal(["agentops/payments/payments-api-db", "main"], _forge.Branches());
        var files = _forge.Files(Branch);
        var dir = "teams/payments/databases/payments-api-db/";
        Assert.Contains(dir + "claim.yaml", files.Keys);
        Assert.Contains(dir + "externalsecret.yaml", files.Keys);
        Assert.Contains(dir + "servicemonitor.yaml", files.Keys);
        Assert.Contains("name: payments-api-db", files["teams/payments/inventory.yaml"], StringComparison.Ordinal);

        var validator = new ManifestValidator(SchemaCatalog.LoadFrom(
            Fixture("crds/external-secrets.io_externalsecrets.yaml"),
            Fixture("crds/monitoring.coreos.com_servicemonitors.yaml"),
            Path.Combine(AppContext.BaseDirectory, "platform", "xrds")));
        foreach (var name in new[] { "claim.yaml", "externalsecret.yaml", "servicemonitor.yaml" })
        {
            var validation = validator.Validate(files[dir + name]);
            Assert.True(validation.IsValid, $"{name}: {string.Join("; ", validation.Errors)}");
        }
        Assert.Equal("Database", validator.Validate(files[dir + "claim.yaml"]).Kind);

        // No secret value anywhere on the branch: no Secret data, no password literal, no token.
        foreach (var (path, content) in files)
        {
            Assert.DoesNotMatch(new Regex(@"(?im)^\s*(data|stringData):|password\s*[:=]\s*\S|eyJ[A-Za-z0-9_-]{8,}\."), content);
        }

        // No delegated token survives anywhere on disk: not in the database, its WAL, logs, the forge or workspaces.
        foreach (var file in Directory.EnumerateFiles(_data.Path, "*", SearchOption.AllDirectories))
        {
            var text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file));
            Assert.False(Regex.IsMatch(text, @"eyJ[A-Za-z0-9_-]{8,}\.eyJ"), $"a JWT was written to {file}");
        }

        var tip = _forge.Tip(Branch);
        Assert.Equal("agentops/infra-provisioner", tip.AuthorName);
        Assert.Contains("Co-authored-by: developer <developer@example.com>", tip.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ReadmeRequest_PullRequestDescriptionHasPlanChainDecisionsAndAuditRange()
    {
        var chat = await _sut.RunAsync("chat", ReadmeRequest, "--json");
        Assert.True(chat.ExitCode == 0, chat.ToString());

        var show = await _sut.RunAsync("pr", "show", "1", "--json");

        Assert.True(show.ExitCode == 0, show.ToString());
        var body = show.Json["body"]!.GetValue<string>();
        Assert.Contains("## Plan", body, StringComparison.Ordinal);
        Assert.Contains(chat.Json["planDigest"]!.GetValue<string>(), body, StringComparison.Ordinal);
        Assert.Contains("## Delegation chain", body, StringComparison.Ordinal);
        Assert.Contains("developer@example.com → spiffe://agentops.local/agent/planner", body, StringComparison.Ordinal);
        Assert.Contains("spiffe://agentops.local/agent/planner → spiffe://agentops.local/agent/infra-provisioner", body, StringComparison.Ordinal);
        Assert.Contains("## Guardrail decisions", body, StringComparison.Ordinal);
        Assert.Contains("| write_files | L1.input | allow |", body, StringComparison.Ordinal);
        Assert.Contains("| create_branch | L5.rollback | allow | `rollback.registered` |", body, StringComparison.Ordinal);
        var range = Regex.Match(body, @"Audit records #(\d+)–#(\d+)");
        Assert.True(range.Success, body);
        Assert.True(long.Parse(range.Groups[2].Value) > long.Parse(range.Groups[1].Value));
        Assert.DoesNotMatch(new Regex(@"eyJ[A-Za-z0-9_-]{8,}\."), body);

        var audit = _forge.AuditRows();
        var runId = chat.Json["runId"]!.GetValue<string>();
        var actions = audit.Where(r => r.RunId == runId).Select(r => (r.Action, r.Outcome)).ToList();
        foreach (var tool in new[] { "crossplane/claim_render", "crossplane/claim_validate", "git/branch_create", "git/files_write", "git/commit", "git/push", "git/pull_request_open" })
        {
            Assert.Contains((tool, "allowed"), actions);
            Assert.Contains((tool, "succeeded"), actions);
        }

        var verify = await _sut.RunAsync("audit", "verify", "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.True(verify.Json["intact"]!.GetValue<bool>());
        Assert.Equal(audit.Count, verify.Json["recordsChecked"]!.GetValue<long>());
    }

    [Fact]
    public async Task Chat_DryRun_ShowsPlanAndVerdictsButWritesNothing()
    {
        var result = await _sut.RunAsync("chat", ReadmeRequest, "--dry-run");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("crossplane/claim_render", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("scope git:files_write:repo/platform-gitops/branch/agentops/payments/payments-api-db", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("digest  sha256:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("L1.input:allow  L2.scope:allow  L3.approval:allow  L5.rollback:allow", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Nothing was executed", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(["main"], _forge.Branches());
        Assert.Empty(_forge.AuditRows());
    }

    [Fact]
    public async Task Chat_SameRequestTwice_SecondIsDuplicateNotice()
    {
        var first = await _sut.RunAsync("chat", ReadmeRequest, "--json");
        Assert.True(first.ExitCode == 0, first.ToString());

        var second = await _sut.RunAsync("chat", ReadmeRequest, "--json");

        Assert.Equal(5, second.ExitCode);
        Assert.Equal("Duplicate", second.Json["status"]!.GetValue<string>());
        Assert.Equal("intake.duplicate", second.Json["error"]!["rule"]!.GetValue<string>());
        Assert.Contains(first.Json["runId"]!.GetValue<string>(), second.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var list = await _sut.RunAsync("pr", "list", "--json");
        Assert.Single(list.Json.AsArray());
    }

    [Fact]
    public async Task Chat_SecondDifferentRequest_DoesNotClobberFirst()
    {
        var first = await _sut.RunAsync("chat", ReadmeRequest, "--json");
        var second = await _sut.RunAsync("chat", "spin up a postgres for billing-svc in eu, tiny, nightly backups", "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(2, second.Json["pullRequest"]!["id"]!.GetValue<long>());
        Assert.Equal(["agentops/payments/billing-svc-db", "agentops/payments/payments-api-db", "main"], _forge.Branches());
        Assert.Contains("teams/payments/databases/payments-api-db/claim.yaml", _forge.Files("agentops/payments/payments-api-db").Keys);
        var runs = await _sut.RunAsync("runs", "list", "--json");
        Assert.Equal(2, runs.Json.AsArray().Count);
    }

    internal static string Fixture(string relative) => Path.Combine(AppContext.BaseDirectory, "fixtures", relative);
}
