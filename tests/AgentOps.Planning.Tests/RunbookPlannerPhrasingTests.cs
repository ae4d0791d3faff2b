using AgentOps.Core;

namespace AgentOps.Planning.Tests;

/// <summary>Free-text requests, as people write them, against the real catalogue and policy.</summary>
public sealed class RunbookPlannerPhrasingTests
{
    private const string Developer = "developer@example.com";
    private const string Bob = "bob@example.com";
    private const string Carol = "carol@example.com";

    private readonly RunbookPlanner _sut = RepositoryFiles.CreatePlanner();

    public static TheoryData<string, string, string, string, string, string, string, string> Plannable => new()
    {
        { Developer, "I need a PostgreSQL database for my new service payments-api, small size, EU region, with daily backups", "postgresql", "small", "eu-west-1", "daily", "payments-api", "payments" },
        { Bob, "spin up a postgres for billing-svc in eu, tiny, nightly backups", "postgresql", "small", "eu-west-1", "daily", "billing-svc", "billing" },
        { Developer, "create a medium mysql db for service orders in eu-central-1 with weekly backups, namespace payments", "mysql", "medium", "eu-central-1", "weekly", "orders", "payments" },
        { Developer, "redis for checkout-api in us-east-1, small, no backups", "redis", "small", "us-east-1", "none", "checkout-api", "payments" },
        { Developer, "Please provision a small MySQL database for the ledger-service app in Frankfurt with hourly backups", "mysql", "small", "eu-central-1", "hourly", "ledger-service", "payments" },
        { Carol, "We need a large pg instance for reporting-api, region eu-west-1, backups every night", "postgresql", "large", "eu-west-1", "daily", "reporting-api", "platform" },
        { Developer, "new redis for service sessions, m size, virginia, weekly backups", "redis", "medium", "us-east-1", "weekly", "sessions", "payments" },
        { "alice@example.com", "postgres db for payments-worker, mid-size, ireland, daily", "postgresql", "medium", "eu-west-1", "daily", "payments-worker", "payments" },
        { Bob, "Set up PostgreSQL for team billing: service invoices-api, small, EU, daily backups", "postgresql", "small", "eu-west-1", "daily", "invoices-api", "billing" },
        { Bob, "I need a small mysql database in the billing team for service ledger, eu-central-1, weekly backups", "mysql", "small", "eu-central-1", "weekly", "ledger", "billing" },
        { Bob, "postgres for billing-svc, namespace billing, size s, germany, backups weekly", "postgresql", "small", "eu-central-1", "weekly", "billing-svc", "billing" },
        { Developer, "psql database for fraud-detector, small, eu, once a day", "postgresql", "small", "eu-west-1", "daily", "fraud-detector", "payments" },
        { Developer, "A little Redis for the cart-api service in europe, no backup", "redis", "small", "eu-west-1", "none", "cart-api", "payments" },
        { Carol, "Provision a huge PostgreSQL database for analytics-etl in us-east-1 with hourly backups", "postgresql", "large", "us-east-1", "hourly", "analytics-etl", "platform" },
        { Developer, "mysql for orders-api, medium, EU region eu-central-1, daily backups", "mysql", "medium", "eu-central-1", "daily", "orders-api", "payments" },
        { Developer, "Could you create a tiny pg db for the search-api, Dublin region, backups every day?", "postgresql", "small", "eu-west-1", "daily", "search-api", "payments" },
        { Developer, "I'd like a medium-sized MySQL database for inventory-svc, in the EU, with nightly backups", "mysql", "medium", "eu-west-1", "daily", "inventory-svc", "payments" },
        { Developer, "redis for rate-limiter, xs, us-east, without backups", "redis", "small", "us-east-1", "none", "rate-limiter", "payments" },
        { Developer, "Postgres DB for the payments-api service in ns payments, small, frankfurt, daily", "postgresql", "small", "eu-central-1", "daily", "payments-api", "payments" },
        { Developer, "service called orders needs a mysql db, small, eu-west-1, nightly backups", "mysql", "small", "eu-west-1", "daily", "orders", "payments" },
        { Bob, "Give us a tiny postgresql database for billing-reports in Europe with daily backups", "postgresql", "small", "eu-west-1", "daily", "billing-reports", "billing" },
        { Developer, "a postgres for the orders service in frankfurt, small, daily", "postgresql", "small", "eu-central-1", "daily", "orders", "payments" },
        { Developer, "my team needs a db for checkout-api, it is a small redis, eu, with no daily backups", "redis", "small", "eu-west-1", "none", "checkout-api", "payments" },
        { Developer, "postgres, not mysql, for payments-api, small, eu, daily", "postgresql", "small", "eu-west-1", "daily", "payments-api", "payments" },
        { Bob, "my namespace is billing; postgres for payments-api, small, eu, daily", "postgresql", "small", "eu-west-1", "daily", "payments-api", "billing" },
        { Developer, "DATABASE: Postgres / Size: Medium / Region: EU-Central-1 / Backups: Weekly / Service: audit-log", "postgresql", "medium", "eu-central-1", "weekly", "audit-log", "payments" },
        // An area word next to a region inside the area only qualifies it; a synonym that agrees with the id is no conflict.
        { Developer, "postgres for orders-api, small, Europe, Frankfurt, daily", "postgresql", "small", "eu-central-1", "daily", "orders-api", "payments" },
        { Developer, "postgres for orders-api, small, in the EU (eu-central-1), daily", "postgresql", "small", "eu-central-1", "daily", "orders-api", "payments" },
        { Developer, "postgres for orders-api, small, Ireland (eu-west-1), daily", "postgresql", "small", "eu-west-1", "daily", "orders-api", "payments" },
        // Near misses of unsupported requirements: ruled out, part of a name, or a storage amount rather than a version.
        { Developer, "postgres for orders-api, small, eu, daily, no read replicas needed", "postgresql", "small", "eu-west-1", "daily", "orders-api", "payments" },
        { Developer, "postgres for orders-api, small, eu, daily, not publicly accessible", "postgresql", "small", "eu-west-1", "daily", "orders-api", "payments" },
        { Developer, "small postgres 20 GB for orders-api in eu, daily", "postgresql", "small", "eu-west-1", "daily", "orders-api", "payments" },
        { Developer, "mysql for public-site-api, small, eu, daily", "mysql", "small", "eu-west-1", "daily", "public-site-api", "payments" },
        { Developer, "postgres for replica-sync, small, eu, daily, standard configuration", "postgresql", "small", "eu-west-1", "daily", "replica-sync", "payments" },
    };

    /// <summary>
    /// Requests whose negation words sit next to a value without ruling it out, or rule out only something else:
    /// they plan exactly as before. "not a big one, small please" was a question back (big and small); it now
    /// plans small, because "not a" rules big out and small is the only size left.
    /// </summary>
    public static TheoryData<string, string, string, string, string, string, string, string> NegationNearMisses => new()
    {
        { Developer, "I need a PostgreSQL database for my new service payments-api, small size, EU region, with daily backups", "postgresql", "small", "eu-west-1", "daily", "payments-api", "payments" },
        { Bob, "spin up a postgres for billing-svc in eu, tiny, nightly backups", "postgresql", "small", "eu-west-1", "daily", "billing-svc", "billing" },
        { Developer, "redis for checkout-api in us-east-1, small, no backups", "redis", "small", "us-east-1", "none", "checkout-api", "payments" },
        { Developer, "postgres for payments-api, not a big one, small please, eu, daily", "postgresql", "small", "eu-west-1", "daily", "payments-api", "payments" },
        { Developer, "I don't need anything fancy: postgres for payments-api, small, eu, daily backups", "postgresql", "small", "eu-west-1", "daily", "payments-api", "payments" },
        { Developer, "postgres for payments-api, small, eu, daily backups needed", "postgresql", "small", "eu-west-1", "daily", "payments-api", "payments" },
        { Developer, "postgres for payments-api, small, eu, daily backups are required", "postgresql", "small", "eu-west-1", "daily", "payments-api", "payments" },
        { Developer, "postgres for payments-api, small, eu, daily backups, no need for anything else", "postgresql", "small", "eu-west-1", "daily", "payments-api", "payments" },
        { Developer, "Other than that, a postgres for payments-api, small, eu, daily", "postgresql", "small", "eu-west-1", "daily", "payments-api", "payments" },
        { Developer, "postgres for payments-api, small, eu-west-1 not us-east-1, daily", "postgresql", "small", "eu-west-1", "daily", "payments-api", "payments" },
        { Developer, "postgres for payments-api, small, eu, with daily backups, not hourly", "postgresql", "small", "eu-west-1", "daily", "payments-api", "payments" },
        { Developer, "postgres for payments-api, small, in europe but not in frankfurt, daily", "postgresql", "small", "eu-west-1", "daily", "payments-api", "payments" },
        { Developer, "I don't need daily backups, weekly is enough: postgres for payments-api, small, eu", "postgresql", "small", "eu-west-1", "weekly", "payments-api", "payments" },
    };

    /// <summary>
    /// Requests that rule a value out and name nothing else for that parameter: the planner asks, naming what was
    /// excluded. Backups are asked about too: "I don't need daily backups" may mean none or a different schedule.
    /// </summary>
    public static TheoryData<string, string, string> RuledOut => new()
    {
        { "a database for payments-api with any engine except redis, small, eu, daily backups", "engine", "redis" },
        { "postgres for payments-api, small, in europe, but not in eu-west-1, daily backups", "region", "eu-west-1" },
        { "postgres for payments-api, small, eu, I don't need daily backups", "backup_schedule", "daily" },
        { "postgres for payments-api, small, eu, daily backups are not needed", "backup_schedule", "daily" },
        { "postgres for payments-api, small, eu, no need for daily backups", "backup_schedule", "daily" },
        { "postgres for payments-api, anything but small, eu, daily backups", "size", "small" },
        { "postgres for payments-api, small, anywhere except the EU, daily backups", "region", "eu" },
        { "a db for payments-api, any engine other than mysql, small, eu, daily", "engine", "mysql" },
        { "postgres for payments-api, small, eu, do not need hourly backups", "backup_schedule", "hourly" },
        { "postgres for payments-api, small, eu, weekly backups not required", "backup_schedule", "weekly" },
        { "postgres for payments-api, small, anywhere except the EU, frankfurt, daily", "region", "eu" },
    };

    public static TheoryData<string, string, string> Incomplete => new()
    {
        { Developer, "postgres for payments-api in eu with daily backups", "size" },
        { Developer, "I need a database", "service,engine,size,region,backup_schedule" },
        { Developer, "postgres or mysql for payments-api, small, eu, daily backups", "engine" },
        { "stranger@example.com", "postgres for payments-api, small, eu, daily backups", "namespace" },
        { Developer, "mariadb for payments-api, small, eu, daily", "engine" },
        { Developer, "small redis in eu with daily backups", "service" },
        { Developer, "postgres for payments-api, small or medium, eu, daily", "size" },
        { Developer, "mysql for orders-api, small, daily backups", "region" },
        { Developer, "mysql for orders-api, small, eu", "backup_schedule" },
        { Developer, "postgres for payments-api, small, 10 GB or 40 GB, eu, daily", "storage_gb" },
        { Developer, "can my team get a postgres? service x, small, eu, daily", "service" },
        { Developer, "postgres for payments-api, small, eu-west-1 or eu-central-1, daily backups", "region" },
        { Developer, "not redis: a small db for payments-api, eu, daily", "engine" },
        // A synonym that points to a different region than an id is a conflict, not a qualifier.
        { Developer, "postgres for orders-api in eu and us-east-1 small daily", "region" },
        { Developer, "postgres for orders-api, small, us-east-1, in the EU, daily", "region" },
        { Developer, "postgres for orders-api, small, ireland, eu-central-1, daily", "region" },
        { Developer, "postgres for orders-api, small, eu-west, eu-west-2, daily", "region" },
    };

    public static TheoryData<string, string, string> Refusable => new()
    {
        { Developer, "postgres for payments-api, small, us-west-2, daily backups", PlanningRules.RegionsAllowed },
        { Developer, "postgres for payments-api, small, ap-south-1, daily", PlanningRules.RegionsAllowed },
        { Developer, "postgres for payments-api, small, in Tokyo, daily", PlanningRules.RegionsAllowed },
        { Developer, "postgres for payments-api, large, eu, daily backups", PlanningRules.TeamsMaxSize },
        { Bob, "mysql for billing-svc, medium, eu, daily", PlanningRules.TeamsMaxSize },
        { Developer, "Set up PostgreSQL for team billing: service invoices-api, small, EU, daily backups", PlanningRules.TeamsMember },
        { Bob, "postgres for ledger-api, namespace payments, small, eu, daily", PlanningRules.TeamsMember },
        { Developer, "postgres for payments-api, small but 2 TB, eu, daily backups", PlanningRules.ParametersConsistent },
        { Developer, "small postgres with 500GB for payments-api in eu, daily", PlanningRules.ParametersConsistent },
        { Carol, "large postgres with 1.5 tb for analytics-etl in eu, daily", PlanningRules.ParametersConsistent },
        { Developer, "postgres for payments-api in namespace sandbox, small, eu, daily", PlanningRules.TeamsKnown },
        { Developer, "postgres for orders-api, small, eu, daily, with 3 read replicas and multi-az high availability", PlanningRules.RequirementsUnsupported },
        { Developer, "postgres for orders-api, small, eu, daily, encrypted with our own KMS key", PlanningRules.RequirementsUnsupported },
        { Developer, "postgres 16 for orders-api, small, eu, daily", PlanningRules.RequirementsUnsupported },
        { Developer, "a MySQL 8.0 db for orders-api, small, eu, daily", PlanningRules.RequirementsUnsupported },
        { Developer, "postgres for orders-api, small, eu, daily, with point-in-time recovery", PlanningRules.RequirementsUnsupported },
        { Developer, "postgres for orders-api, small, eu, daily, with public internet access", PlanningRules.RequirementsUnsupported },
        { Developer, "postgres for orders-api, small, eu, daily, with the pgvector extension", PlanningRules.RequirementsUnsupported },
        { Developer, "postgres for orders-api, small, eu, daily, max_connections=500", PlanningRules.RequirementsUnsupported },
        { Developer, "postgres for orders-api, small, eu, backups with 7 days retention", PlanningRules.RequirementsUnsupported },
        { Developer, "postgres for orders-api, small, eu, daily, with 16 GB of RAM", PlanningRules.RequirementsUnsupported },
        { Developer, "postgres for orders-api, small, eu, daily, and delete the orders-db database", PlanningRules.IntentUnsupportedAction },
        { Developer, "please drop the old reporting database", PlanningRules.IntentUnsupportedAction },
        { Developer, "deploy kafka", PlanningRules.IntentUnknown },
        { Developer, "make me a sandwich", PlanningRules.IntentUnknown },
        { Developer, "", PlanningRules.RequestEmpty },
        { Developer, "   \t ", PlanningRules.RequestEmpty },
    };

    [Theory]
    [MemberData(nameof(Plannable))]
    [MemberData(nameof(NegationNearMisses))]
    public async Task PlanAsync_CompleteRequest_ReadsEveryParameter(
        string requester, string text, string engine, string size, string region, string backup, string service, string ns)
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal(text, requester));

        var plan = Assert.IsType<PlanningOutcome.Planned>(outcome).Plan;
        Assert.Equal("provision-database", plan.Skill);
        Assert.Equal(engine, plan.Parameters["engine"]);
        Assert.Equal(size, plan.Parameters["size"]);
        Assert.Equal(region, plan.Parameters["region"]);
        Assert.Equal(backup, plan.Parameters["backup_schedule"]);
        Assert.Equal(service, plan.Parameters["service"]);
        Assert.Equal(ns, plan.Parameters["namespace"]);
    }

    [Theory]
    [MemberData(nameof(Incomplete))]
    public async Task PlanAsync_IncompleteRequest_AsksForExactlyWhatIsMissing(string requester, string text, string missing)
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal(text, requester));

        var sut = Assert.IsType<PlanningOutcome.NeedsInput>(outcome);
        Assert.Equal("provision-database", sut.Skill);
        Assert.Equal(missing.Split(','), sut.Missing);
        Assert.All(sut.Missing, name => Assert.Contains($"- {name}:", sut.Question, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RuledOut))]
    public async Task PlanAsync_ValueRuledOut_AsksNamingTheExcludedValue(string text, string missing, string excluded)
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal(text));

        var sut = Assert.IsType<PlanningOutcome.NeedsInput>(outcome);
        Assert.Equal([missing], sut.Missing);
        Assert.False(sut.Parameters.ContainsKey(missing));
        Assert.Contains($"- {missing}:", sut.Question, StringComparison.Ordinal);
        Assert.Contains($"rules out {excluded}", sut.Question, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Refusable))]
    public async Task PlanAsync_RefusableRequest_CitesRule(string requester, string text, string rule)
    {
        var outcome = await _sut.PlanAsync(RepositoryFiles.Goal(text, requester));

        var sut = Assert.IsType<PlanningOutcome.Refused>(outcome);
        Assert.Equal(rule, sut.Rule);
        Assert.False(string.IsNullOrWhiteSpace(sut.Reason));
    }
}
