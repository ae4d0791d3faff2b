using System.CommandLine;
using AgentOps.Core;
using AgentOps.Guardrails.Policy;

namespace AgentOps.Cli.Commands;

/// <summary>
/// <c>agentops policy test --request &lt;file&gt; [--json]</c>: evaluates a request (JSON or YAML; one request or
/// <c>{"requests": [...]}</c> in order) offline against <c>guardrails/scope.yaml</c>, <c>guardrails/limits.yaml</c>
/// and the agent catalogue, with the same evaluator L2 runs on every live tool call, in the manner of <c>opa eval</c>.
/// Each decision names the rule that decided and where it is written. Nothing runs and nothing is recorded.
/// Exit codes: <c>0</c> every request allowed, <c>3</c> at least one denied, <c>2</c> usage (no such file, not a
/// request), <c>1</c> the policy could not be loaded (the message names file, line and field).
/// </summary>
internal static class PolicyCommands
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("policy", "The L2 action policy on its own");
        var requestOption = new Option<FileInfo>("--request")
        {
            Description = "A request file (JSON or YAML): agent, server, tool, scope or verb, readOnly, namespace, size, replicas, storage, monthlyCost, time, runId, requester, tenant, objectsChanged, arguments",
            Required = true,
        };
        var test = new Command("test", "Evaluate a request offline against the L2 policy: allow or deny, and the rule that decided. Exit 0 allow, 3 deny.")
        {
            requestOption,
        };
        test.SetAction(parse =>
        {
            var reply = context.ReplyFor(parse);
            var file = parse.GetValue(requestOption)!;
            if (!file.Exists)
            {
                return reply.Fail(ExitCodes.Usage, "usage", $"no request file at {file.FullName}");
            }
            IReadOnlyList<ActionRequest> requests;
            try
            {
                requests = PolicyTestRun.ReadRequests(file.FullName);
            }
            catch (ArgumentException ex)
            {
                return reply.Fail(ExitCodes.Usage, "usage", ex.Message);
            }
            var paths = RuntimePaths.From(context.Configuration);
            ActionPolicy policy;
            ResourceLimits limits;
            AgentCatalog agents;
            try
            {
                agents = AgentCatalog.Load(paths.Agents);
                limits = ResourceLimits.Load(Path.Combine(paths.Guardrails, "limits.yaml"));
                policy = ActionPolicyLoader.Load(paths.Guardrails, agents);
            }
            catch (Exception ex) when (ex is PolicyLoadException or InvalidDataException or IOException or YamlDotNet.Core.YamlException)
            {
                return reply.Fail(ExitCodes.Failed, "policy", $"the L2 policy cannot be loaded: {ex.Message}");
            }
            var results = PolicyTestRun.Evaluate(policy, limits, agents, requests, TimeProvider.System.GetUtcNow());
            var denied = results.Any(r => r.Decision.Verdict != Verdict.Allow);
            reply.Data(new
            {
                result = denied ? "deny" : "allow",
                policy = policy.File,
                decisions = results.Select(r => new
                {
                    agent = r.Request.Agent,
                    action = $"{r.Request.Server}/{r.Request.Tool}",
                    scope = r.Request.Scope,
                    time = r.Time,
                    verdict = r.Decision.Verdict.ToString().ToLowerInvariant(),
                    rule = r.Decision.Rule,
                    source = r.Decision.Source,
                    reason = r.Decision.Reason,
                }).ToArray(),
            });
            foreach (var result in results)
            {
                reply.Line($"{result.Decision.Verdict.ToString().ToLowerInvariant()}: {result.Request.Agent} {result.Request.Server}/{result.Request.Tool} ({result.Request.Scope}) at {result.Time:u}");
                reply.Line($"  rule {result.Decision.Rule} ({result.Decision.Source}): {result.Decision.Reason}");
            }
            return denied ? ExitCodes.Refused : ExitCodes.Ok;
        });
        command.Subcommands.Add(test);
        return command;
    }
}
