using AgentOps.Core;

namespace AgentOps.Planning.Tests;

/// <summary>What the outcomes say beyond their type: parameter sources, derived values, questions and reasons.</summary>
public sealed class RunbookPlannerOutcomeTests
{
    private const string ReadmeRequest = "I need a PostgreSQL database for my new service payments-api, small size, EU region, with daily backups";

    private readonly RunbookPlanner _sut = RepositoryFiles.CreatePlanner();

    [Fact]
    public void Name_Always_IsRunbook()
    {
        Assert.Equal("runbook", _sut.Name);
    }

    [Fact]
    public async Task PlanAsync_ReadmeRequest_AddsDerivedParameters()
    {
        var plan = await PlanAsync(ReadmeRequest);

        Assert.Equal("payments-api-db", plan.Parameters["resource_name"]);
        Assert.Equal("payments-api-db-connection", plan.Parameters["connection_secret"]);
        Assert.Equal("20", plan.Parameters["storage_gb"]);
        Assert.Equal("agentops/payments/payments-api-db", plan.Parameters["branch"]);
    }

    [Fact]
    public async Task PlanAsync_NamespaceNotStated_RecordsRequesterTeamAsSource()
    {
        var plan = await PlanAsync(ReadmeRequest);

        Assert.Equal("payments", plan.Parameters["namespace"]);
        Assert.Equal("requester-team", plan.Parameters["namespace_source"]);
        Assert.Contains("namespace payments is the requester's team", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_NamespaceStated_RecordsRequestAsSource()
    {
        var plan = await PlanAsync("postgres for payments-api, namespace billing, small, eu, daily backups", "bob@example.com");

        Assert.Equal("billing", plan.Parameters["namespace"]);
        Assert.Equal("request", plan.Parameters["namespace_source"]);
        Assert.DoesNotContain("requester's team", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_ReadmeRequest_SummaryIsOneSentenceNamingTheChange()
    {
        var plan = await PlanAsync(ReadmeRequest);

        Assert.StartsWith("Provision a small postgresql database payments-api-db for payments-api in namespace payments (eu-west-1, 20 GB, backups: daily)", plan.Summary, StringComparison.Ordinal);
        Assert.EndsWith(".", plan.Summary, StringComparison.Ordinal);
        Assert.Equal(1, plan.Summary.Count(c => c == '.'));
    }

    [Theory]
    [InlineData("small", "20")]
    [InlineData("medium", "100")]
    [InlineData("large", "500")]
    public async Task PlanAsync_SizeWithoutAmount_TakesStorageFromSizeTable(string size, string storage)
    {
        var plan = await PlanAsync($"postgres for analytics-etl, {size}, eu, daily backups", "carol@example.com");

        Assert.Equal(storage, plan.Parameters["storage_gb"]);
    }

    [Theory]
    [InlineData("40 GB", "40")]
    [InlineData("0.2 tb", "205")]
    [InlineData("250gb", "250")]
    public async Task PlanAsync_AmountWithinSize_UsesStatedAmount(string amount, string storage)
    {
        var plan = await PlanAsync($"medium postgres with {amount} for payments-api in eu, daily");

        Assert.Equal(storage, plan.Parameters["storage_gb"]);
    }

    [Fact]
    public async Task PlanAsync_SmallButTwoTerabytes_ExplainsTheContradiction()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("postgres for payments-api, small but 2 TB, eu, daily backups"));

        var sut = Assert.IsType<PlanningOutcome.Refused>(outcome);
        Assert.Equal(PlanningRules.ParametersConsistent, sut.Rule);
        Assert.Contains("2048 GB", sut.Reason, StringComparison.Ordinal);
        Assert.Contains("at most 50 GB", sut.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_RegionNotAllowed_NamesRegionAndAllowedList()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("postgres for payments-api, small, us-west-2, daily backups"));

        var sut = Assert.IsType<PlanningOutcome.Refused>(outcome);
        Assert.Contains("us-west-2", sut.Reason, StringComparison.Ordinal);
        Assert.Contains("eu-west-1, eu-central-1, us-east-1", sut.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_SizeAboveTeamLimit_NamesTeamAndLimit()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("postgres for payments-api, large, eu, daily backups"));

        var sut = Assert.IsType<PlanningOutcome.Refused>(outcome);
        Assert.Equal(PlanningRules.TeamsMaxSize, sut.Rule);
        Assert.Contains("Team payments may request at most size medium", sut.Reason, StringComparison.Ordinal);
        Assert.Equal("large", sut.Parameters?["size"]);
    }

    [Fact]
    public async Task PlanAsync_UnknownIntent_ListsKnownSkills()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("deploy kafka"));

        var sut = Assert.IsType<PlanningOutcome.Refused>(outcome);
        Assert.Contains("provision-database", sut.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_SizeMissing_QuestionGivesValidValuesAndKeepsWhatWasRead()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("postgres for payments-api in eu with daily backups"));

        var sut = Assert.IsType<PlanningOutcome.NeedsInput>(outcome);
        Assert.Contains("One of: small, medium, large.", sut.Question, StringComparison.Ordinal);
        Assert.Equal("postgresql", sut.Parameters["engine"]);
        Assert.Equal("payments-api", sut.Parameters["service"]);
        Assert.False(sut.Parameters.ContainsKey("size"));
    }

    [Fact]
    public async Task PlanAsync_TwoEngines_QuestionNamesBoth()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("postgres or mysql for payments-api, small, eu, daily backups"));

        var sut = Assert.IsType<PlanningOutcome.NeedsInput>(outcome);
        Assert.Contains("The request names postgresql and mysql; which one?", sut.Question, StringComparison.Ordinal);
        Assert.False(sut.Parameters.ContainsKey("engine"));
    }

    [Fact]
    public async Task PlanAsync_AreaWordAndRegionOutsideIt_QuestionNamesBothWithTheWordUsed()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("postgres for orders-api in eu and us-east-1 small daily"));

        var sut = Assert.IsType<PlanningOutcome.NeedsInput>(outcome);
        Assert.Equal(["region"], sut.Missing);
        Assert.Contains("The request names eu-west-1 (from 'eu') and us-east-1; which one?", sut.Question, StringComparison.Ordinal);
        Assert.False(sut.Parameters.ContainsKey("region"));
    }

    [Fact]
    public async Task PlanAsync_SynonymDisagreesWithRegionId_QuestionNamesBoth()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("postgres for orders-api, small, frankfurt, eu-west-1, daily"));

        var sut = Assert.IsType<PlanningOutcome.NeedsInput>(outcome);
        Assert.Contains("The request names eu-central-1 (from 'frankfurt') and eu-west-1; which one?", sut.Question, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_ReadReplicas_RefusalQuotesTheWordsAndSaysWhatToDo()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("postgres for orders-api, small, eu, daily, with 3 read replicas"));

        var sut = Assert.IsType<PlanningOutcome.Refused>(outcome);
        Assert.Equal(PlanningRules.RequirementsUnsupported, sut.Rule);
        Assert.Contains("'3 read replicas'", sut.Reason, StringComparison.Ordinal);
        Assert.Contains("single instance", sut.Reason, StringComparison.Ordinal);
        Assert.Contains("Ask the platform team, or drop the requirement.", sut.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_SeveralUnsupportedRequirements_RefusalNamesEveryOne()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("postgres 16 for orders-api, small, eu, daily, with point-in-time recovery"));

        var sut = Assert.IsType<PlanningOutcome.Refused>(outcome);
        Assert.Contains("'postgres 16'", sut.Reason, StringComparison.Ordinal);
        Assert.Contains("'point-in-time recovery'", sut.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_DeleteAlongsideUnsupportedRequirement_RefusedAsDifferentIntent()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("postgres for orders-api, small, eu, daily, with 2 replicas, and delete the orders-db database"));

        var sut = Assert.IsType<PlanningOutcome.Refused>(outcome);
        Assert.Equal(PlanningRules.IntentUnsupportedAction, sut.Rule);
        Assert.StartsWith("The request asks to 'delete the orders-db database'", sut.Reason, StringComparison.Ordinal);
        Assert.Contains("Deleting a database is not something this skill does", sut.Reason, StringComparison.Ordinal);
        Assert.Contains("'2 replicas'", sut.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_UnsupportedEngine_QuestionSaysWhy()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("mariadb for payments-api, small, eu, daily"));

        var sut = Assert.IsType<PlanningOutcome.NeedsInput>(outcome);
        Assert.Contains("MariaDB is not offered", sut.Question, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_UnknownRequesterWithoutNamespace_QuestionNamesRequester()
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal("postgres for payments-api, small, eu, daily backups", "stranger@example.com"));

        var sut = Assert.IsType<PlanningOutcome.NeedsInput>(outcome);
        Assert.Contains("'stranger@example.com' belongs to no team", sut.Question, StringComparison.Ordinal);
        Assert.Contains("Known teams: payments, billing, platform.", sut.Question, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_Cancelled_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _sut.PlanAsync(RepositoryFiles.Goal(ReadmeRequest), cancellation.Token));
    }

    [Fact]
    public async Task PlanAsync_SameRequestTwice_SameDigest()
    {
        var first = await PlanAsync(ReadmeRequest);
        var second = await PlanAsync(ReadmeRequest);

        Assert.Equal(PlanDigest.Compute(first), PlanDigest.Compute(second));
        Assert.NotEqual(PlanDigest.Compute(first), PlanDigest.Compute(await PlanAsync(ReadmeRequest.Replace("small", "medium", StringComparison.Ordinal))));
    }

    private async Task<Plan> PlanAsync(string text, string requester = "developer@example.com") =>
        Assert.IsType<PlanningOutcome.Planned>(await _sut.PlanAsync(RepositoryFiles.Goal(text, requester))).Plan;
}
