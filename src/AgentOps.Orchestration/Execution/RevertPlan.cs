using System.Text.Json.Nodes;
using AgentOps.Core;

namespace AgentOps.Orchestration.Execution;

/// <summary>
/// L5 for a change that already merged: its compensation is not an undo call but a new pull request that reverts the
/// merge commit, made by the same agents, under the same guardrails and credentials, and reviewed like any other change.
/// Deleting the branch or closing the pull request would undo nothing: main already holds the change.
/// </summary>
public static class RevertPlan
{
    public const string Skill = "revert-pull-request";

    /// <summary>Agents own branches under <c>agentops/</c>; the revert of a run gets one named after that run.</summary>
    public static string BranchFor(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return $"agentops/revert/{run.Id}";
    }

    /// <summary>Live runs with the same key are duplicates: one revert pull request per merged pull request.</summary>
    public static string DedupKey(PullRequestRecord pullRequest)
    {
        ArgumentNullException.ThrowIfNull(pullRequest);
        return $"{Skill}:{pullRequest.Repository}#{pullRequest.Number}";
    }

    public static Plan For(RunRecord run, PullRequestRecord pullRequest, string actor)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(pullRequest);
        if (pullRequest is not { State: PullRequestState.Merged, MergeCommit: { Length: > 0 } mergeCommit })
        {
            throw new ArgumentException($"Pull request #{pullRequest.Number} is not merged; there is nothing to revert.", nameof(pullRequest));
        }
        var repo = pullRequest.Repository;
        var branch = BranchFor(run);
        var target = pullRequest.TargetBranch;
        string ScopeOf(string tool) => $"git:{tool}:repo/{repo}/branch/{branch}";
        JsonObject OnBranch(params (string Name, JsonNode? Value)[] more)
        {
            var arguments = new JsonObject { ["repo"] = repo, ["branch"] = branch };
            foreach (var (name, value) in more)
            {
                arguments[name] = value;
            }
            return arguments;
        }
        var deleteBranch = new Compensation("branch_delete", OnBranch(), ScopeOf("branch_delete"));
        PlanStep[] steps =
        [
            new("create_branch", "git", "branch_create", OnBranch(("base", target)), ScopeOf("branch_create"),
                $"Create branch {branch} from {target}.", Compensation: deleteBranch),
            new("revert", "git", "revert", OnBranch(("sha", mergeCommit)), ScopeOf("revert"),
                $"Revert merge commit {mergeCommit[..12]} of pull request #{pullRequest.Number} against {target}."),
            new("push", "git", "push", OnBranch(), ScopeOf("push"), $"Push branch {branch}.",
                Compensation: new Compensation("branch_delete", OnBranch(("remote", true)), ScopeOf("branch_delete"))),
            new("open_pull_request", "git", "pull_request_open",
                OnBranch(("base", target), ("title", $"Revert #{pullRequest.Number}: {pullRequest.Title}"), ("body", "${run.report}")),
                ScopeOf("pull_request_open"), "Open the revert pull request for human review.",
                Compensation: new Compensation("pull_request_close", OnBranch(("number", "${steps.open_pull_request.number}")), ScopeOf("pull_request_close"))),
        ];
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["repository"] = repo,
            ["pull_request"] = pullRequest.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["merge_commit"] = mergeCommit,
            ["reverted_run"] = run.Id,
            ["requested_by"] = actor,
            ["branch"] = branch,
        };
        return new Plan(Skill, parameters, steps,
            $"Revert pull request #{pullRequest.Number} (\"{pullRequest.Title}\") of run {run.Id}, merged as {mergeCommit[..12]}, through a new pull request to {repo}");
    }
}
