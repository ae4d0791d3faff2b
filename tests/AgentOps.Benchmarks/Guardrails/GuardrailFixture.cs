using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Approvals;
using AgentOps.Guardrails.Layers;
using AgentOps.Guardrails.Policy;
using Json.Schema;

namespace AgentOps.Benchmarks.Guardrails;

/// <summary>
/// The pipeline exactly as the CLI builds it (AgentOpsRuntime: the repository's guardrails/ and agents/, scope.yaml's
/// action policy, approvals.yaml) and one realistic call: the infra-provisioner's git <c>files_write</c> of a
/// Crossplane claim to its agentops/ branch, with the tool's published input schema. Dry run: every layer decides, L2
/// spends no rate or blast-radius budget, and L4's durable write is skipped, so what is timed is evaluation only.
/// </summary>
internal sealed class GuardrailFixture
{
    public const string Repo = "platform-gitops";
    public const string Branch = "agentops/orders-db";

    // The shape the MCP C# SDK publishes for GitTools.FilesWrite(repo, branch, FileWrite[] files).
    public const string FilesWriteSchema = """
        {"type":"object","properties":{
          "repo":{"type":"string"},
          "branch":{"type":"string"},
          "files":{"description":"Files: {path, content, mode: create|append}","type":"array","items":{"type":"object",
            "properties":{"path":{"type":"string"},"content":{"type":"string"},"mode":{"type":"string"}},
            "required":["path","content","mode"]}}},
          "required":["repo","branch","files"]}
        """;

    public const string Claim = """
        apiVersion: platform.example.io/v1alpha1
        kind: PostgreSQLInstance
        metadata:
          name: orders-db
          namespace: payments
          labels:
            team: payments
            requested-by: alice
        spec:
          parameters:
            size: small
            region: eu-central-1
            storageGB: 20
            backup:
              schedule: "0 2 * * *"
              retentionDays: 7
          compositionSelector:
            matchLabels:
              provider: aws
          writeConnectionSecretToRef:
            name: orders-db-conn
        """;

    private readonly TimeProvider _time = TimeProvider.System;

    public GuardrailFixture(string root, IApprovalStore approvals)
    {
        var guardrails = Path.Combine(root, "guardrails");
        var agents = AgentCatalog.Load(Path.Combine(root, "agents"));
        Policy = GuardrailPolicy.Load(guardrails);
        var screen = new TextScreen(Policy);
        Input = new InputValidationLayer(Policy, screen);
        var scopeLayer = new ActionScopeLayer(new ActionPolicyEvaluator(ActionPolicyLoader.Load(guardrails, agents), Policy.Limits, _time));
        var approvalLayer = new ApprovalGateLayer(approvals, ApprovalPolicy.Load(guardrails), _time);
        var rollbackLayer = new RollbackLayer(new RollbackJournal());
        Layers = [Input, scopeLayer, approvalLayer, rollbackLayer];
        Pipeline = new GuardrailPipeline(Input, scopeLayer, approvalLayer, rollbackLayer, new AuditLayer(new RefusingAuditLog()));
        var scope = $"git:files_write:repo/{Repo}/branch/{Branch}";
        Arguments = new JsonObject
        {
            ["repo"] = Repo,
            ["branch"] = Branch,
            ["files"] = new JsonArray(new JsonObject
            {
                ["path"] = "claims/payments/orders-db.yaml",
                ["content"] = Claim,
                ["mode"] = "create",
            }),
        };
        var step = new PlanStep("write-claim", "git", "files_write", Arguments, scope, "write the PostgreSQL claim for orders-db", false,
            new Compensation("branch_delete", new JsonObject { ["repo"] = Repo, ["branch"] = Branch, ["remote"] = true }, $"git:branch_delete:repo/{Repo}/branch/{Branch}"));
        Schema = JsonSerializer.Deserialize<JsonElement>(FilesWriteSchema);
        Context = new GuardrailContext(
            "run-7f3c2a9e", "alice@example.com", "sha256:" + new string('a', 64), step, Arguments, agents.Get("infra-provisioner"), Schema,
            ToolIsReadOnly: false,
            ["alice@example.com", "spiffe://agentops.local/agent/planner", "spiffe://agentops.local/agent/infra-provisioner"],
            DryRun: true);
        CompiledSchema = JsonSchema.Build(Schema, new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 });
    }

    public GuardrailPolicy Policy { get; }

    public InputValidationLayer Input { get; }

    /// <summary>L1, L2, L3 and L5 as the pipeline runs them, for the per-layer breakdown.</summary>
    public IGuardrailLayer[] Layers { get; }

    public GuardrailPipeline Pipeline { get; }

    public JsonObject Arguments { get; }

    public JsonElement Schema { get; }

    public JsonSchema CompiledSchema { get; }

    public GuardrailContext Context { get; }

    public int ArgumentBytes => System.Text.Encoding.UTF8.GetByteCount(Arguments.ToJsonString());

    /// <summary>Throws unless the call is allowed by every layer: a refusal short-circuits and would time less work.</summary>
    public async Task<GuardrailVerdict> EnsureAllowedAsync()
    {
        var verdict = await Pipeline.EvaluateAsync(Context);
        string[] expected = ["L1.input", "L2.scope", "L3.approval", "L5.rollback"];
        if (verdict.Verdict != Verdict.Allow || !verdict.Decisions.Select(d => d.Layer).SequenceEqual(expected))
        {
            throw new InvalidOperationException(
                "The benchmark call is not allowed by every layer, so it would time a refusal: " +
                string.Join("; ", verdict.Decisions.Select(d => $"{d.Layer} {d.Verdict} {d.Rule}: {d.Reason}")));
        }
        return verdict;
    }

    /// <summary>The baseline: what L1 cannot avoid, the library's JSON Schema evaluation of the same arguments against the same (compiled) schema.</summary>
    public bool SchemaOnly()
    {
        using var document = JsonDocument.Parse(Arguments.ToJsonString());
        return CompiledSchema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;
    }

    /// <summary>Dry runs never write; if anything tries, the benchmark must fail rather than time it.</summary>
    private sealed class RefusingAuditLog : IAuditLog
    {
        public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("a dry run reached the audit log");

        public Task<IReadOnlyList<AuditRecord>> ReadAsync(long fromSequence = 1, long? toSequence = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<AuditRecord>>([]);

        public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(new AuditVerification(true, 0, null, null));
    }
}
