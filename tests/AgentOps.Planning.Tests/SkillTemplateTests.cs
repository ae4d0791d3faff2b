namespace AgentOps.Planning.Tests;

public sealed class SkillTemplateTests
{
    private static readonly Dictionary<string, string> s_parameters = new() { ["service"] = "payments-api", ["namespace"] = "payments" };

    [Fact]
    public void Render_KnownParameters_ReplacesEveryOccurrence()
    {
        var sut = SkillTemplate.Render("${param.service}-db in ${param.namespace} for ${param.service}", s_parameters);

        Assert.Equal("payments-api-db in payments for payments-api", sut);
    }

    [Fact]
    public void Render_ExecutorReferences_LeavesThemUntouched()
    {
        var sut = SkillTemplate.Render("${steps.render_claim.manifest} ${run.report} ${parameters} ${param.namespace}", s_parameters);

        Assert.Equal("${steps.render_claim.manifest} ${run.report} ${parameters} payments", sut);
    }

    [Fact]
    public void Render_UnknownParameter_ThrowsNamingIt()
    {
        var sut = Assert.Throws<ArgumentException>(() => SkillTemplate.Render("name: ${param.servcie}", s_parameters));

        Assert.Contains("${param.servcie}", sut.Message, StringComparison.Ordinal);
        Assert.Contains("namespace, service", sut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ClaimTemplate_ProducesTheDatabaseClaim()
    {
        var parameters = new Dictionary<string, string>
        {
            ["resource_name"] = "payments-api-db",
            ["namespace"] = "payments",
            ["service"] = "payments-api",
            ["engine"] = "postgresql",
            ["size"] = "small",
            ["region"] = "eu-west-1",
            ["storage_gb"] = "20",
            ["backup_schedule"] = "daily",
        };

        var sut = SkillTemplate.Render(RepositoryFiles.ProvisionDatabase.ClaimTemplate!, parameters);

        Assert.Equal(
            """
            apiVersion: platform.example.io/v1alpha1
            kind: Database
            metadata:
              name: payments-api-db
              namespace: payments
              labels:
                app.kubernetes.io/name: payments-api-db
                app.kubernetes.io/part-of: payments-api
                app.kubernetes.io/managed-by: agentops
            spec:
              parameters:
                engine: postgresql
                size: small
                region: eu-west-1
                storageGB: 20
                backup:
                  schedule: daily
                secretStorePath: databases/payments/payments-api-db

            """.ReplaceLineEndings("\n"),
            sut);
    }

    [Fact]
    public void ReferencedParameters_Template_ListsEachNameOnce()
    {
        var sut = SkillTemplate.ReferencedParameters("${param.b} ${param.a} ${param.b} ${steps.x.y}");

        Assert.Equal(new[] { "b", "a" }, sut);
    }
}
