using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentOps.Core;

namespace AgentOps.Planning.Tests;

/// <summary>The rendered step list: a contract with the MCP tool servers and the executor.</summary>
public sealed class RunbookPlannerStepsTests : IAsyncLifetime
{
    private const string Branch = "agentops/payments/payments-api-db";
    private const string Folder = "teams/payments/databases/payments-api-db";

    private Plan _plan = null!;

    // Each Git step's scope names its own tool and the run's branch, so one step's token is useless for any other.
    private static string GitScope(string tool) => $"git:{tool}:repo/platform-gitops/branch/{Branch}";

    public async Task InitializeAsync()
    {
        var outcome = await RepositoryFiles.CreatePlanner()
            .PlanAsync(RepositoryFiles.Goal("I need a PostgreSQL database for my new service payments-api, small size, EU region, with daily backups"));
        _plan = Assert.IsType<PlanningOutcome.Planned>(outcome).Plan;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void Steps_ReadmeRequest_AreTheSevenContractSteps()
    {
        var sut = _plan.Steps.Select(s => $"{s.Id} {s.Server}/{s.Tool} {s.Scope}");

        Assert.Equal(
            new[]
            {
                "render_claim crossplane/claim_render crossplane:render:skill/provision-database",
                "validate_claim crossplane/claim_validate crossplane:validate:ns/payments",
                $"create_branch git/branch_create {GitScope("branch_create")}",
                $"write_files git/files_write {GitScope("files_write")}",
                $"commit git/commit {GitScope("commit")}",
                $"push git/push {GitScope("push")}",
                $"open_pull_request git/pull_request_open {GitScope("pull_request_open")}",
            },
            sut);
        Assert.All(_plan.Steps, s => Assert.False(s.Critical));
        Assert.All(_plan.Steps, s => Assert.True(Scope.TryParse(s.Scope, out _), s.Scope));
    }

    [Fact]
    public void RenderClaim_Parameters_IsObjectOfAllPlanParameters()
    {
        var sut = Step("render_claim").Arguments;

        Assert.Equal("provision-database", (string?)sut["skill"]);
        var parameters = Assert.IsType<JsonObject>(sut["parameters"]);
        Assert.Equal(_plan.Parameters.Count, parameters.Count);
        Assert.All(_plan.Parameters, p => Assert.Equal(p.Value, (string?)parameters[p.Key]));
    }

    [Fact]
    public void Steps_ExecutorReferences_SurviveRendering()
    {
        Assert.Equal("${steps.render_claim.manifest}", (string?)Step("validate_claim").Arguments["manifest"]);
        Assert.Equal("${steps.render_claim.manifest}", (string?)File($"{Folder}/claim.yaml")["content"]);
        Assert.Equal("${run.report}", (string?)Step("open_pull_request").Arguments["body"]);
        Assert.Equal("${steps.open_pull_request.number}", (string?)Step("open_pull_request").Compensation?.Arguments["number"]);
    }

    [Fact]
    public void Steps_AfterRendering_HoldNoParameterPlaceholder()
    {
        var sut = string.Join('\n', _plan.Steps.Select(s => s.Arguments.ToJsonString() + s.Scope + s.Description + s.Compensation?.Arguments.ToJsonString()));

        Assert.DoesNotContain("${param.", sut, StringComparison.Ordinal);
        Assert.DoesNotContain("${parameters}", sut, StringComparison.Ordinal);
    }

    [Fact]
    public void Compensations_BranchAndPullRequestSteps_UndoTheirWork()
    {
        var sut = _plan.Steps.Where(s => s.Compensation is not null).ToDictionary(s => s.Id, s => s.Compensation!);

        Assert.Equal(new[] { "create_branch", "push", "open_pull_request" }, sut.Keys);
        Assert.Equal("branch_delete", sut["create_branch"].Tool);
        Assert.Equal(GitScope("branch_delete"), sut["create_branch"].Scope);
        Assert.Equal(GitScope("pull_request_close"), sut["open_pull_request"].Scope);
        Assert.Equal(Branch, (string?)sut["open_pull_request"].Arguments["branch"]);
        Assert.Equal(Branch, (string?)sut["create_branch"].Arguments["branch"]);
        Assert.Null(sut["create_branch"].Arguments["remote"]);
        Assert.Equal("branch_delete", sut["push"].Tool);
        Assert.True((bool?)sut["push"].Arguments["remote"]);
        Assert.Equal("platform-gitops", (string?)sut["push"].Arguments["repo"]);
        Assert.Equal("pull_request_close", sut["open_pull_request"].Tool);
    }

    [Fact]
    public void GitSteps_Arguments_NameRepoBranchAndBase()
    {
        Assert.All(_plan.Steps.Where(s => s.Server == "git"), s =>
        {
            Assert.Equal("platform-gitops", (string?)s.Arguments["repo"]);
            Assert.Equal(Branch, (string?)s.Arguments["branch"]);
        });
        Assert.Equal("main", (string?)Step("create_branch").Arguments["base"]);
        Assert.Equal("main", (string?)Step("open_pull_request").Arguments["base"]);
        Assert.Equal("Provision postgresql database payments-api-db for payments-api", (string?)Step("commit").Arguments["message"]);
        Assert.Contains("payments-api-db", (string?)Step("open_pull_request").Arguments["title"], StringComparison.Ordinal);
    }

    [Fact]
    public void WriteFiles_Files_HavePathsAndModes()
    {
        var sut = Files().Select(f => $"{(string?)f["mode"]} {(string?)f["path"]}");

        Assert.Equal(
            new[]
            {
                $"create {Folder}/claim.yaml",
                $"create {Folder}/externalsecret.yaml",
                $"create {Folder}/servicemonitor.yaml",
                "append teams/payments/inventory.yaml",
            },
            sut);
    }

    [Fact]
    public void WriteFiles_ExternalSecret_ReferencesStoreAndHoldsNoSecretValue()
    {
        var sut = (string?)File($"{Folder}/externalsecret.yaml")["content"] ?? "";

        Assert.Contains("apiVersion: external-secrets.io/v1\nkind: ExternalSecret\n", sut, StringComparison.Ordinal);
        Assert.Contains("  name: payments-api-db-connection\n  namespace: payments\n", sut, StringComparison.Ordinal);
        Assert.Contains("  refreshInterval: 1h\n", sut, StringComparison.Ordinal);
        Assert.Contains("  secretStoreRef:\n    name: platform-secrets\n    kind: ClusterSecretStore\n", sut, StringComparison.Ordinal);
        Assert.Contains("  target:\n    name: payments-api-db-connection\n    creationPolicy: Owner\n", sut, StringComparison.Ordinal);
        Assert.Contains("  dataFrom:\n    - extract:\n        key: databases/payments/payments-api-db\n", sut, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"^\s*(data|stringData):", RegexOptions.Multiline), sut);
        Assert.DoesNotContain("stringData", sut, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("password", sut, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void WriteFiles_ServiceMonitor_SelectsTheDatabase()
    {
        var sut = (string?)File($"{Folder}/servicemonitor.yaml")["content"] ?? "";

        Assert.Contains("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: payments-api-db\n", sut, StringComparison.Ordinal);
        Assert.Contains("    matchLabels:\n      app.kubernetes.io/name: payments-api-db\n", sut, StringComparison.Ordinal);
        Assert.Contains("    - port: metrics\n      interval: 30s\n", sut, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteFiles_Inventory_IsOneYamlListItem()
    {
        var sut = (string?)File("teams/payments/inventory.yaml")["content"];

        Assert.Equal(
            "- kind: Database\n  name: payments-api-db\n  engine: postgresql\n  size: small\n  region: eu-west-1\n" +
            "  service: payments-api\n  connectionSecret: payments-api-db-connection\n  path: teams/payments/databases/payments-api-db\n",
            sut);
    }

    private PlanStep Step(string id) => Assert.Single(_plan.Steps, s => s.Id == id);

    private List<JsonObject> Files() =>
        Assert.IsType<JsonArray>(Step("write_files").Arguments["files"]).Select(f => Assert.IsType<JsonObject>(f)).ToList();

    private JsonObject File(string path) => Assert.Single(Files(), f => (string?)f["path"] == path);
}
