using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AgentOps.Cli.Output;
using AgentOps.Cli.Tokens;
using AgentOps.Core;
using AgentOps.Guardrails.Policy;
using AgentOps.Identity;
using AgentOps.Orchestration.Execution;
using Microsoft.Extensions.Configuration;

namespace AgentOps.Cli.Commands;

/// <summary>
/// <c>agentops token issue|verify|inspect</c>: mint a delegated token from the local signing key (for tests and
/// development), check one as a tool server would, and show one — with its delegation chain — to a person.
/// A token that fails verification exits <see cref="ExitCodes.Refused"/>; the signing key itself is never printed.
/// </summary>
internal static class TokenCommands
{
    private const string DefaultPurpose = "development token from agentops token issue";

    /// <summary>The broker's default; the broker itself cuts it to an agent's shorter <c>spec.tokenLifetime</c>.</summary>
    private static readonly TimeSpan s_defaultLifetime = TimeSpan.FromMinutes(5);

    public static Command Create(CommandContext context, TextReader input)
    {
        var command = new Command("token", "Issue, verify and inspect delegated tokens");
        command.Subcommands.Add(CreateIssue(context));
        command.Subcommands.Add(CreateVerify(context, input));
        command.Subcommands.Add(CreateInspect(context, input));
        return command;
    }

    private static Command CreateIssue(CommandContext context)
    {
        var agent = new Option<string>("--agent") { Description = "The AIAgent (by metadata.name) the token is for", Required = true };
        var audience = new Option<string>("--audience") { Description = "The tool server it may be used at: a name (git) or a SPIFFE ID", Required = true };
        var scope = new Option<string[]>("--scope") { Description = "Scopes to delegate (repeat, or space-separated); cut to nothing wider than the planner's and the agent's ceilings", Required = true };
        var purpose = new Option<string>("--purpose") { Description = "Why the token is issued; recorded in every hop", DefaultValueFactory = _ => DefaultPurpose };
        var ttl = new Option<string?>("--ttl") { Description = "Lifetime, e.g. 90s or 5m; at most 15m and the agent's spec.tokenLifetime (default: 5m, cut to that)" };
        var run = new Option<string?>("--run") { Description = "The run or goal id the token serves (agent_context_id); a fresh dev-… id when omitted" };
        var issue = new Command("issue", "Mint a token from the local signing key: you (--as) → planner → --agent, for use at --audience (tests and development)")
        {
            agent, audience, scope, purpose, ttl, run,
        };
        issue.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, (runtime, reply) =>
        {
            var spec = runtime.Agents.TryGet(parse.GetValue(agent)!, out var found)
                ? found
                : throw new ArgumentException($"--agent '{parse.GetValue(agent)}' is not in the agent catalogue ({string.Join(", ", runtime.Agents.Agents.Select(a => a.Name).Order(StringComparer.Ordinal))}).");
            var plannerName = (context.Configuration.GetSection("AgentOps:Agents").Get<ExecutorOptions>() ?? new ExecutorOptions()).Planner;
            var planner = runtime.Agents.TryGet(plannerName, out var p)
                ? p
                : throw new ArgumentException($"The agent catalogue has no planner '{plannerName}' (AgentOps:Agents:Planner) to delegate through.");
            var lifetime = parse.GetValue(ttl) is { } ttlText ? Lifetime(TokenInputs.Duration(ttlText, "--ttl"), spec, planner) : s_defaultLifetime;
            var audienceId = TokenInputs.Audience(parse.GetValue(audience), runtime.Tools.Servers);
            var requested = TokenInputs.Scopes(parse.GetValue(scope) ?? []);
            var reason = parse.GetValue(purpose) is { Length: > 0 } text ? text : DefaultPurpose;
            var runId = parse.GetValue(run) is { Length: > 0 } given ? given : "dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var human = context.Actor(parse);
            if (Subjects.IsAgentSubject(human))
            {
                throw new ArgumentException($"--as '{human}' is an agent identity; a token starts with the human who delegates it.");
            }

            var options = AgentOpsRuntime.BrokerOptionsFor(runtime.Agents, lifetime);
            options.Issuer = runtime.BrokerOptions.Issuer;
            options.MaxChainDepth = runtime.BrokerOptions.MaxChainDepth;
            // The ledger records both tokens (the planner's goal token and the agent's); revocations stop a withdrawn goal.
            var broker = new CredentialBroker(runtime.Keys, TimeProvider.System, options, runtime.Ledger, runtime.Revocations);
            DelegatedCredential credential;
            try
            {
                var goal = broker.IssueForGoal(human, Identity(planner), requested, reason, runId);
                credential = broker.Exchange(goal.Token, Identity(spec), audienceId, requested, reason);
            }
            catch (DelegationRefusedException ex)
            {
                return Task.FromResult(reply.Fail(ExitCodes.Refused, "delegation-refused", ex.Message, "identity.ceiling"));
            }
            reply.Data(new
            {
                token = credential.Token,
                jti = credential.Jti,
                subject = credential.Subject,
                audience = credential.Audience,
                scope = credential.Scope.ToString(),
                expiresAt = credential.ExpiresAt,
                run = runId,
                chain = credential.Chain.Select(l => new { delegator = l.Subject, delegatee = l.Audience, scope = l.Scope.ToString(), purpose = l.Purpose, delegatedAt = l.DelegatedAt, jti = l.Jti }).ToArray(),
            });
            // The token alone on stdout, so TOKEN=$(agentops token issue …) works; the facts go to stderr.
            reply.Line(credential.Token);
            if (!reply.Json)
            {
                Console.Error.WriteLine($"issued {credential.Jti} for {credential.Subject} at {credential.Audience}, scope '{credential.Scope}', expires {credential.ExpiresAt:O}");
            }
            return Task.FromResult(ExitCodes.Ok);
        }));
        return issue;
    }

    private static Command CreateVerify(CommandContext context, TextReader input)
    {
        var token = new Argument<string>("jwt") { Description = "The token, or - to read it from standard input" };
        var audience = new Option<string>("--audience") { Description = "The tool server checking it: a name (git) or a SPIFFE ID", Required = true };
        var tool = new Option<string?>("--tool") { Description = "The permission the call needs: a verb (commit, read, render…) or server:verb" };
        var resource = new Option<string?>("--resource") { Description = "The resource the call touches, e.g. repo/platform-gitops/branch/agentops/x or ns/payments" };
        var scope = new Option<string?>("--scope") { Description = "The whole scope the call needs, instead of --tool and --resource" };
        var verify = new Command("verify", "Check a token as a tool server would; exit 0 when valid, 3 when not (--json gives the verifier's code and message)")
        {
            token, audience, tool, resource, scope,
        };
        verify.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, (runtime, reply) =>
        {
            var jwt = TokenInputs.Token(parse.GetValue(token), input);
            var audienceId = TokenInputs.Audience(parse.GetValue(audience), runtime.Tools.Servers);
            var required = TokenInputs.RequiredScope(parse.GetValue(scope), parse.GetValue(tool), parse.GetValue(resource), audienceId);
            var verification = runtime.CreateVerifier(TimeProvider.System).Verify(jwt, audienceId, required);
            if (!verification.IsValid)
            {
                return Task.FromResult(Refuse(reply, verification, DecodedToken.Decode(jwt), audienceId, required));
            }
            var credential = verification.Credential!;
            reply.Data(new
            {
                valid = true,
                audience = audienceId,
                requiredScope = required?.ToString(),
                subject = credential.Subject,
                scope = credential.Scope.ToString(),
                jti = credential.Jti,
                expiresAt = credential.ExpiresAt,
                delegator = credential.DelegatorSubject,
                originalRequester = credential.OriginalRequester,
                run = credential.ContextId,
            });
            reply.Line($"VALID: {credential.Subject} may use it at {audienceId}" + (required is null ? string.Empty : $" for {required}") + $" until {credential.ExpiresAt:O}.");
            reply.Line($"  scope '{credential.Scope}', delegated by {credential.DelegatorSubject} on behalf of {credential.OriginalRequester}, jti {credential.Jti}");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return verify;
    }

    private static Command CreateInspect(CommandContext context, TextReader input)
    {
        var token = new Argument<string>("jwt") { Description = "The token, or - to read it from standard input" };
        var audience = new Option<string?>("--audience") { Description = "Also check the audience (a tool server name or SPIFFE ID); by default the token's own is taken" };
        var inspect = new Command("inspect", "Decode and verify a token and draw its delegation chain; an invalid token is still shown, marked UNVERIFIED, and exits 3")
        {
            token, audience,
        };
        inspect.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, (runtime, reply) =>
        {
            var jwt = TokenInputs.Token(parse.GetValue(token), input);
            var decoded = DecodedToken.Decode(jwt);
            var given = parse.GetValue(audience);
            var audienceId = given is not null ? TokenInputs.Audience(given, runtime.Tools.Servers)
                : decoded.Claim("aud") is { Length: > 0 } claimed ? claimed : runtime.BrokerOptions.Issuer;
            var verification = runtime.CreateVerifier(TimeProvider.System).Verify(jwt, audienceId);
            var json = TokenReport.ToJson(decoded, verification);
            if (!verification.IsValid)
            {
                json["error"] = ErrorObject(verification);
            }
            reply.Data(json);
            var checks = "signature, issuer, time and delegation chain" + (given is null ? "; audience taken from the token" : $"; audience {audienceId}");
            TokenReport.Print(reply, decoded, verification, TimeProvider.System, checks);
            return Task.FromResult(verification.IsValid ? ExitCodes.Ok : ExitCodes.Refused);
        }));
        return inspect;
    }

    private static int Refuse(Reply reply, TokenVerification verification, DecodedToken decoded, string audience, Scope? required)
    {
        reply.Data(new JsonObject
        {
            ["valid"] = false,
            ["audience"] = audience,
            ["requiredScope"] = required?.ToString(),
            ["reason"] = TokenReport.Reason(verification),
            ["unverifiedSubject"] = decoded.Claim("sub"),
            ["unverifiedJti"] = decoded.Claim("jti"),
            ["error"] = ErrorObject(verification),
        });
        if (!reply.Json)
        {
            reply.Line($"NOT VALID at {audience}: {verification.Error}");
        }
        return ExitCodes.Refused;
    }

    private static JsonObject ErrorObject(TokenVerification verification) => new()
    {
        ["code"] = verification.ErrorCode,
        ["rule"] = "token." + verification.ErrorCode,
        ["message"] = verification.Error,
        ["exitCode"] = ExitCodes.Refused,
    };

    /// <summary>The lifetime asked for, refused when beyond the agent's or the planner's <c>spec.tokenLifetime</c> or the broker's cap.</summary>
    private static TimeSpan Lifetime(TimeSpan requested, AgentSpec agent, AgentSpec planner)
    {
        if (requested > BrokerOptions.MaxTokenLifetime)
        {
            throw new ArgumentException($"--ttl {requested.TotalSeconds:0}s is longer than the {BrokerOptions.MaxTokenLifetime.TotalMinutes:0}m any delegated token may live.");
        }
        foreach (var spec in new[] { agent, planner })
        {
            if (spec.TokenLifetime is { } cap && requested > cap)
            {
                throw new ArgumentException($"--ttl {requested.TotalSeconds:0}s is longer than agent '{spec.Name}' allows (spec.tokenLifetime {cap.TotalSeconds:0}s).");
            }
        }
        return requested;
    }

    private static AgentIdentity Identity(AgentSpec agent) => new(agent.Id, agent.AgentType, agent.Model, agent.Provider, agent.RbacScope);
}
