using System.CommandLine;
using AgentOps.Core;
using AgentOps.GitOps;
using AgentOps.Guardrails.Approvals;

namespace AgentOps.Cli.Commands;

/// <summary><c>agentops pr list|show|diff|approve|merge</c> on the local forge.</summary>
internal static class PullRequestCommands
{
    public static Command Create(CommandContext context)
    {
        var repo = new Option<string?>("--repo") { Description = "Repository on the forge (default: AgentOps:GitOps:Repository)", Recursive = true };
        var command = new Command("pr", "Review the pull requests agents opened") { repo };

        var state = new Option<string?>("--state") { Description = "open, merged or closed" };
        var list = new Command("list", "List pull requests, newest first") { state };
        list.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            PullRequestState? filter = parse.GetValue(state) is { } s
                ? Enum.TryParse<PullRequestState>(s, true, out var parsed) ? parsed : throw new ArgumentException($"'{s}' is not a state; use open, merged or closed.")
                : null;
            var items = await runtime.Forge.ListAsync(Repo(parse, repo, runtime), filter, ct).ConfigureAwait(false);
            reply.Data(items.Select(Summary).ToArray());
            if (items.Count == 0)
            {
                reply.Line("No pull requests.");
            }
            foreach (var pr in items)
            {
                reply.Line($"#{pr.Number,-4} {pr.State.ToString().ToLowerInvariant(),-7} {pr.SourceBranch,-40} {pr.Title}");
            }
            return ExitCodes.Ok;
        }));

        var number = new Argument<long>("number") { Description = "Pull request number" };
        var show = new Command("show", "Show one pull request with its description") { number };
        show.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var repository = Repo(parse, repo, runtime);
            var pr = await runtime.Forge.GetAsync(repository, parse.GetValue(number), ct).ConfigureAwait(false);
            if (pr is null)
            {
                return reply.Fail(ExitCodes.Failed, "not-found", $"There is no pull request #{parse.GetValue(number)} in '{repository}'.");
            }
            var approvals = await runtime.Forge.ApprovalsAsync(repository, pr.Number, ct).ConfigureAwait(false);
            reply.Data(new { pullRequest = Summary(pr), body = pr.Body, approvals = approvals.Select(a => a.Approver).ToArray() });
            reply.Line($"#{pr.Number} {pr.Title}");
            reply.Line($"state: {pr.State.ToString().ToLowerInvariant()}   {pr.SourceBranch} → {pr.TargetBranch}   author: {pr.Author}   requester: {pr.Requester}");
            reply.Line($"approvals: {(approvals.Count == 0 ? "none" : string.Join(", ", approvals.Select(a => a.Approver)))}");
            reply.Line();
            reply.Line(pr.Body);
            return ExitCodes.Ok;
        }));

        var diff = new Command("diff", "Show the change a pull request makes") { number };
        diff.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var patch = await runtime.Forge.DiffAsync(Repo(parse, repo, runtime), parse.GetValue(number), ct).ConfigureAwait(false);
            reply.Data(new { number = parse.GetValue(number), diff = patch });
            reply.Line(patch);
            return ExitCodes.Ok;
        }));

        var approve = new Command("approve", "Approve a pull request (not your own; agents never can)") { number };
        approve.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var pr = await AuditedAsync(runtime, context.Actor(parse), "forge/approve", Repo(parse, repo, runtime), parse.GetValue(number),
                async () =>
                {
                    await EnsureOwnerAsync(runtime, Repo(parse, repo, runtime), parse.GetValue(number), context.Actor(parse), ct).ConfigureAwait(false);
                    return await runtime.Forge.ApproveAsync(Repo(parse, repo, runtime), parse.GetValue(number), context.Actor(parse), ct).ConfigureAwait(false);
                }, ct).ConfigureAwait(false);
            await runtime.Audit.AppendAsync(new AuditEntry(pr.RunId ?? "-", context.Actor(parse), [], "forge/approve",
                $"{pr.Repository}#{pr.Number}", [new LayerDecision("forge", Verdict.Allow, "forge.review.approved", "approved")], "approved"), ct).ConfigureAwait(false);
            reply.Data(new { number = pr.Number, approvedBy = context.Actor(parse) });
            reply.Line($"Approved #{pr.Number} as {context.Actor(parse)}.");
            return ExitCodes.Ok;
        }));

        var merge = new Command("merge", "Merge an approved pull request into its target branch") { number };
        merge.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var pr = await AuditedAsync(runtime, context.Actor(parse), "forge/merge", Repo(parse, repo, runtime), parse.GetValue(number),
                async () =>
                {
                    await EnsureQuorumAsync(runtime, Repo(parse, repo, runtime), parse.GetValue(number), ct).ConfigureAwait(false);
                    return await runtime.Forge.MergeAsync(Repo(parse, repo, runtime), parse.GetValue(number), context.Actor(parse), ct).ConfigureAwait(false);
                }, ct).ConfigureAwait(false);
            // The run that opened it is done once a human merged its change.
            if (pr.RunId is { } runId && await runtime.Runs.GetAsync(runId, ct).ConfigureAwait(false) is { Status: RunStatus.AwaitingReview } run)
            {
                await runtime.Runs.UpdateAsync(run with
                {
                    Status = RunStatus.Completed,
                    Message = $"pull request #{pr.Number} merged by {pr.MergedBy} as {pr.MergeCommit}",
                    UpdatedAt = pr.UpdatedAt,
                }, ct).ConfigureAwait(false);
            }
            await runtime.Audit.AppendAsync(new AuditEntry(pr.RunId ?? "-", context.Actor(parse), [], "forge/merge",
                $"{pr.Repository}#{pr.Number}", [new LayerDecision("forge", Verdict.Allow, "forge.review.merged", pr.MergeCommit ?? string.Empty)], "merged"), ct).ConfigureAwait(false);
            reply.Data(Summary(pr));
            reply.Line($"Merged #{pr.Number} into {pr.TargetBranch} as {pr.MergeCommit}.");
            return ExitCodes.Ok;
        }));

        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        command.Subcommands.Add(diff);
        command.Subcommands.Add(approve);
        command.Subcommands.Add(merge);
        return command;
    }

    // A refused review action is evidence too (an agent trying to approve, a requester approving themselves): audit it, then refuse.
    private static async Task<PullRequestRecord> AuditedAsync(AgentOpsRuntime runtime, string actor, string action, string repository, long number,
        Func<Task<PullRequestRecord>> attempt, CancellationToken cancellationToken)
    {
        try
        {
            return await attempt().ConfigureAwait(false);
        }
        catch (ForgeRuleException ex)
        {
            var pr = await runtime.Forge.GetAsync(repository, number, cancellationToken).ConfigureAwait(false);
            await runtime.Audit.AppendAsync(new AuditEntry(pr?.RunId ?? "-", actor, [], action, $"{repository}#{number}",
                [new LayerDecision("forge", Verdict.Deny, ex.Rule, ex.Message)], "refused"), cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    // L3 on the forge: the reviewer must own a path the pull request changes (CODEOWNERS in guardrails/, last match
    // wins). The forge itself still refuses requesters, authors and agents with its own rules.
    private static async Task EnsureOwnerAsync(AgentOpsRuntime runtime, string repository, long number, string reviewer, CancellationToken cancellationToken)
    {
        var pr = await runtime.Forge.GetAsync(repository, number, cancellationToken).ConfigureAwait(false);
        if (pr is null || pr.State != PullRequestState.Open || PrincipalName.IsAgent(reviewer) || PrincipalName.Same(reviewer, pr.Requester))
        {
            return;
        }
        var change = await runtime.Forge.ChangeAsync(repository, number, cancellationToken).ConfigureAwait(false);
        if (ApprovalQuorum.Refusal(runtime.ApprovalPolicy, pr.Requester, reviewer, change.Paths) is { Rule: "approval.not-owner" } refusal)
        {
            throw new ForgeRuleException("forge.review.not-owner", refusal.Reason);
        }
    }

    // L3 on the forge: a merge needs the quorum of approvals.yaml over approvals of the tip it merges, fresh, by owners
    // covering every owned path; production paths need the production N. No approval at all is left to the forge's
    // own rule (forge.review.approval-required).
    private static async Task EnsureQuorumAsync(AgentOpsRuntime runtime, string repository, long number, CancellationToken cancellationToken)
    {
        var pr = await runtime.Forge.GetAsync(repository, number, cancellationToken).ConfigureAwait(false);
        var approvals = await runtime.Forge.ApprovalsAsync(repository, number, cancellationToken).ConfigureAwait(false);
        if (pr is null || pr.State != PullRequestState.Open || approvals.Count == 0)
        {
            return;
        }
        var change = await runtime.Forge.ChangeAsync(repository, number, cancellationToken).ConfigureAwait(false);
        var policy = runtime.ApprovalPolicy;
        var production = policy.Production.AffectsPaths(change.Paths) is not null;
        var asRunApprovals = approvals
            .Where(a => a.HeadSha is not null)
            .Select(a => new RunApproval(pr.RunId ?? "-", a.HeadSha!, a.Approver, a.ApprovedAt));
        var quorum = ApprovalQuorum.Evaluate(policy, pr.Requester, change.HeadSha, change.Paths, production, asRunApprovals, runtime.Time.GetUtcNow());
        if (!quorum.Met)
        {
            throw new ForgeRuleException("forge.review.quorum", $"Pull request #{number} is not approved enough to merge: {quorum.Describe()}.");
        }
    }

    private static string Repo(ParseResult parse, Option<string?> repo, AgentOpsRuntime runtime) => parse.GetValue(repo) ?? runtime.Repository;

    private static object Summary(PullRequestRecord pr) => new
    {
        id = pr.Number,
        repository = pr.Repository,
        title = pr.Title,
        state = pr.State.ToString().ToLowerInvariant(),
        sourceBranch = pr.SourceBranch,
        targetBranch = pr.TargetBranch,
        author = pr.Author,
        requester = pr.Requester,
        mergedBy = pr.MergedBy,
        mergeCommit = pr.MergeCommit,
        createdAt = pr.CreatedAt,
    };
}
