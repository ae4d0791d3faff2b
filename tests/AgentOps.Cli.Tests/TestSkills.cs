namespace AgentOps.Cli.Tests;

/// <summary>
/// Skill catalogues for tests: the real <c>provision-database</c> skill with one more step appended. Skills are
/// data, so this is how a platform team would add a step too; no test-only code path exists in the product.
/// </summary>
internal static class TestSkills
{
    /// <summary>A last step that validates a claim with no parameters: a real tool error, after the pull request is open.</summary>
    public const string FailingLastStep = """
          - id: check_claim_again
            description: Validate an incomplete claim, which fails and forces a rollback.
            server: crossplane
            tool: claim_validate
            scope: crossplane:validate:ns/${param.namespace}
            arguments:
              manifest: "apiVersion: platform.example.io/v1alpha1\nkind: Database\nmetadata:\n  name: broken-db\n  namespace: ${param.namespace}\nspec: {}\n"
        """;

    /// <summary>A last step marked critical: the run pauses before it until a human approves.</summary>
    public const string CriticalLastStep = """
          - id: final_gate
            description: Re-validate the claim; critical, so a human approves first.
            server: crossplane
            tool: claim_validate
            scope: crossplane:validate:ns/${param.namespace}
            critical: true
            arguments:
              manifest: "${steps.render_claim.manifest}"
        """;

    public static string WithExtraStep(string directory, string stepYaml)
    {
        var skills = Path.Combine(directory, "skills");
        Directory.CreateDirectory(skills);
        var original = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "prompts", "skills", "provision-database.yaml"));
        File.WriteAllText(Path.Combine(skills, "provision-database.yaml"), original.TrimEnd() + "\n" + stepYaml + "\n");
        return skills;
    }
}
