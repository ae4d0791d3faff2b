using AgentOps.Core;

namespace AgentOps.Planning.Tests;

/// <summary>
/// The path a model's answer takes: a skill name and parameter values, planned through the same policy, defaults and
/// step template as the runbook planner, so both planners make the same plan (and digest) from the same values.
/// </summary>
public sealed class SkillPlannerTests
{
    private const string Readme = "I need a PostgreSQL database for my new service payments-api, small size, EU region, with daily backups";

    private static readonly SkillPlanner s_sut = new(RepositoryFiles.Catalog, RepositoryFiles.Policy);

    private static Dictionary<string, string?> ReadmeValues() => new(StringComparer.Ordinal)
    {
        ["service"] = "payments-api",
        ["engine"] = "PostgreSQL",
        ["size"] = "small",
        ["region"] = "EU",
        ["backup_schedule"] = "daily",
    };

    [Fact]
    public async Task Plan_ValuesTheRunbookPlannerReads_GivesTheSamePlanAndDigest()
    {
        var goal = RepositoryFiles.Goal(Readme);
        var runbook = Assert.IsType<PlanningOutcome.Planned>(await RepositoryFiles.CreatePlanner().PlanAsync(goal)).Plan;

        var planned = Assert.IsType<PlanningOutcome.Planned>(s_sut.Plan(goal, "provision-database", ReadmeValues())).Plan;

        Assert.Equal(PlanDigest.Compute(runbook), PlanDigest.Compute(planned));
        Assert.Equal(runbook.Summary, planned.Summary);
    }

    [Fact]
    public void Plan_RegionOutsidePolicy_IsRefusedByThePolicyRule()
    {
        var values = ReadmeValues();
        values["region"] = "ap-south-1";

        var refused = Assert.IsType<PlanningOutcome.Refused>(s_sut.Plan(RepositoryFiles.Goal(Readme), "provision-database", values));

        Assert.Equal(PlanningRules.RegionsAllowed, refused.Rule);
    }

    [Fact]
    public void Plan_NamespaceOfAnotherTeam_IsRefusedAsForTheRunbookPlanner()
    {
        var values = ReadmeValues();
        values["namespace"] = "billing";

        var refused = Assert.IsType<PlanningOutcome.Refused>(s_sut.Plan(RepositoryFiles.Goal(Readme), "provision-database", values));

        Assert.Equal(PlanningRules.TeamsMember, refused.Rule);
    }

    [Fact]
    public void Plan_ValueNotAmongTheChoices_AsksInsteadOfGuessing()
    {
        var values = ReadmeValues();
        values["size"] = "gigantic";

        var asks = Assert.IsType<PlanningOutcome.NeedsInput>(s_sut.Plan(RepositoryFiles.Goal(Readme), "provision-database", values));

        Assert.Equal(["size"], asks.Missing);
        Assert.Contains("'gigantic' is not a valid size", asks.Question, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ServiceNameBreakingItsPattern_AsksInsteadOfRenderingIt()
    {
        var values = ReadmeValues();
        values["service"] = "../../etc";

        var asks = Assert.IsType<PlanningOutcome.NeedsInput>(s_sut.Plan(RepositoryFiles.Goal(Readme), "provision-database", values));

        Assert.Equal(["service"], asks.Missing);
    }

    [Fact]
    public void Plan_UnsupportedEngine_IsRefusedWithTheSkillsReason()
    {
        var values = ReadmeValues();
        values["engine"] = "mongodb";

        var refused = Assert.IsType<PlanningOutcome.Refused>(s_sut.Plan(RepositoryFiles.Goal(Readme), "provision-database", values));

        Assert.Equal(PlanningRules.RequirementsUnsupported, refused.Rule);
        Assert.Contains("MongoDB is not offered", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RequestTheSkillCannotHonour_IsRefusedWhateverTheModelFilledIn()
    {
        var refused = Assert.IsType<PlanningOutcome.Refused>(s_sut.Plan(
            RepositoryFiles.Goal("delete the postgres database of payments-api"), "provision-database", ReadmeValues()));

        Assert.Equal(PlanningRules.IntentUnsupportedAction, refused.Rule);
    }

    [Fact]
    public void Plan_UnknownSkill_IsRefusedNamingTheKnownOnes()
    {
        var refused = Assert.IsType<PlanningOutcome.Refused>(s_sut.Plan(RepositoryFiles.Goal(Readme), "delete-namespace", ReadmeValues()));

        Assert.Equal(PlanningRules.IntentUnknown, refused.Rule);
        Assert.Contains("provision-database", refused.Reason, StringComparison.Ordinal);
    }
}
