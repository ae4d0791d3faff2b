using AgentOps.Core;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Guardrails.Tests.Policy;

/// <summary>A scope.yaml in a directory of its own, next to a copy of the repository's real scope.schema.json.</summary>
internal sealed class ScopePolicyFiles : IDisposable
{
    /// <summary>One rule of every kind, tight enough to cross in a test. Berlin is UTC+1 in winter, UTC+2 in summer.</summary>
    public const string Strict = """
        apiVersion: agentops.io/v1
        kind: ActionPolicy
        agents:
          scaler:
            tools: [k8s/deployment_scale, k8s/pods_list, git/files_write]
            verbs: [k8s:scale, k8s:read, git:files_write]
        namespaces:
          allowed: [payments, team-*]
          denied: [team-secret]
        limits:
          sizes: [small, medium, large]
          maxSize: medium
          maxReplicas: 5
          maxStorage: 100Gi
          monthlyCostCeiling: 300 USD
        timeZone: Europe/Berlin
        changeWindows:
          - id: weekday-hours
            days: [mon, tue, wed, thu, fri]
            from: "08:00"
            to: "18:00"
        freezes:
          - id: year-end
            from: 2025-12-22T00:00
            to: 2026-01-05T00:00
            reason: year-end change freeze
        blastRadius:
          perRun: 6
          perHour: 10
        rateLimits:
          perAgent: { permits: 4, window: 1m }
          perTenant: { permits: 6, window: 1m }
        tenants:
          - name: payments
            members: [alice@example.com, dave@example.com]
        """;

    public ScopePolicyFiles(string yaml)
    {
        Directory = Path.Combine(Path.GetTempPath(), "agentops-scope-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        File.Copy(Path.Combine(TestPolicy.GuardrailsDirectory, ActionPolicyLoader.SchemaFileName), Path.Combine(Directory, ActionPolicyLoader.SchemaFileName));
        Text = yaml;
        File.WriteAllText(PolicyFile, yaml);
        System.IO.Directory.CreateDirectory(AgentsDirectory);
        File.WriteAllText(Path.Combine(AgentsDirectory, "scaler.yaml"), """
            apiVersion: platform.example.io/v1
            kind: AIAgent
            metadata:
              name: scaler
            spec:
              provider: agentops
              model: runbook-planner/v1
              mcpEndpoints:
                - name: k8s
                  tools: [deployment_scale, pods_list, deployment_restart]
                - name: git
                  tools: [files_write]
              rbacScope:
                - k8s:*:ns/*
                - git:*:repo/platform-gitops/*
              rateLimits:
                toolCallsPerMinute: 1000
            """);
    }

    public string AgentsDirectory => Path.Combine(Directory, "agents");

    /// <summary>The catalogue holding <see cref="Scaler"/> as a file, for the offline runner.</summary>
    public AgentCatalog Agents() => AgentCatalog.Load(AgentsDirectory);

    public string Directory { get; }

    public string Text { get; }

    public string PolicyFile => Path.Combine(Directory, ActionPolicyLoader.FileName);

    /// <summary>A k8s and git agent whose own ceiling is wide, so the policy is what narrows it.</summary>
    public static AgentSpec Scaler(int perMinute = 1000) => new(
        "scaler",
        AgentCatalog.TrustDomain + "scaler",
        "domain_specific",
        "agentops",
        "runbook-planner/v1",
        new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            ["k8s"] = new HashSet<string>(["deployment_scale", "pods_list", "deployment_restart"], StringComparer.Ordinal),
            ["git"] = new HashSet<string>(["files_write"], StringComparer.Ordinal),
        },
        ScopeSet.Parse("k8s:*:ns/* git:*:repo/platform-gitops/*"),
        perMinute);

    public ActionPolicy Load() => ActionPolicyLoader.Load(Directory);

    /// <summary>The 1-based line of the first line of the policy that contains <paramref name="text"/>.</summary>
    public int LineOf(string text) => Array.FindIndex(Text.Split('\n'), l => l.Contains(text, StringComparison.Ordinal)) + 1;

    public string Source(string text) => $"{PolicyFile}:{LineOf(text)}";

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
