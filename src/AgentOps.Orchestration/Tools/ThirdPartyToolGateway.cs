using System.Text.Json.Nodes;
using AgentOps.Core;
using AgentOps.Guardrails;
using AgentOps.Guardrails.Layers;
using AgentOps.Identity;
using Microsoft.Extensions.Logging;

namespace AgentOps.Orchestration.Tools;

/// <summary>
/// The tool gateway when the orchestrator also hosts MCP servers we did not write (<c>AgentOps:ThirdPartyTools</c>).
/// Calls to our own servers pass straight through. A third-party server cannot verify our token, so for each call to
/// one the orchestrator stands in for the server's credential filter and output hygiene:
/// <list type="number">
/// <item>it verifies the step token itself (<see cref="DelegatedTokenVerifier"/>, audience = the server's configured
/// id) and checks that its scope covers the exact call, as the server's scope map resolves it; unmapped tools are refused;</item>
/// <item>it writes that decision to the audit log before anything is sent (no record, no call);</item>
/// <item>it calls the tool without the token: no <c>_meta</c>, and a process environment of basics only;</item>
/// <item>it redacts what comes back and marks it untrusted.</item>
/// </list>
/// The guardrail pipeline (L1 against the server's published input schema, L2, L3, L5, L4) runs in the executor before
/// this, exactly as for our own servers.
/// </summary>
public sealed class ThirdPartyToolGateway : IToolGateway
{
    private readonly McpToolGateway _inner;
    private readonly Dictionary<string, ThirdPartyServer> _thirdParty;
    private readonly ThirdPartyCredentialCheck _check;
    private readonly IAuditLog _audit;
    private readonly UntrustedOutputScreen _screen;

    /// <param name="ownServers">Our tool servers, which verify tokens themselves.</param>
    /// <param name="thirdPartyServers">The servers we did not write, by name.</param>
    /// <param name="verifier">
    /// The shared verifier, over the broker's JWKS and with a replay cache, as a tool server would hold it.
    /// </param>
    /// <exception cref="InvalidOperationException">A third-party server is misconfigured, or its name or id is already taken by one of ours.</exception>
    public ThirdPartyToolGateway(
        IReadOnlyDictionary<string, ToolServerEndpoint> ownServers,
        IReadOnlyDictionary<string, ThirdPartyToolServerOptions> thirdPartyServers,
        DelegatedTokenVerifier verifier,
        IAuditLog audit,
        TextScreen screen,
        ILoggerFactory loggerFactory,
        TimeSpan? toolCallTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(ownServers);
        ArgumentNullException.ThrowIfNull(thirdPartyServers);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(screen);
        if (ownServers.Values.FirstOrDefault(e => e.Trust != ToolServerTrust.VerifiesToken) is { } misplaced)
        {
            throw new InvalidOperationException($"Tool server '{misplaced.Name}' cannot verify our token; declare it under AgentOps:ThirdPartyTools.");
        }
        var endpoints = new Dictionary<string, ToolServerEndpoint>(ownServers, StringComparer.Ordinal);
        _thirdParty = new Dictionary<string, ThirdPartyServer>(StringComparer.Ordinal);
        foreach (var (name, options) in thirdPartyServers)
        {
            var scopes = options.Validate(name);
            if (endpoints.ContainsKey(name))
            {
                throw new InvalidOperationException($"AgentOps:ThirdPartyTools:{name}: '{name}' is already one of our tool servers.");
            }
            // A token minted for one of our servers must never be accepted here, nor one minted here by ours.
            if (endpoints.Values.Any(e => string.Equals(e.ServerId, options.ServerId, StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"AgentOps:ThirdPartyTools:{name}:ServerId '{options.ServerId}' is already another tool server's id.");
            }
            endpoints[name] = new ToolServerEndpoint(name, options.ServerId, options.Command, [.. options.Arguments], options.LogFile,
                ToolServerTrust.UnverifiedToken, new Dictionary<string, string>(options.Environment, StringComparer.Ordinal), options.ProtocolVersion);
            _thirdParty[name] = new ThirdPartyServer(name, options.ServerId, scopes);
        }
        _inner = new McpToolGateway(endpoints, loggerFactory, toolCallTimeout, hostsThirdParty: true);
        _check = new ThirdPartyCredentialCheck(verifier);
        _audit = audit;
        _screen = new UntrustedOutputScreen(screen);
    }

    public string ServerIdOf(string server) => _inner.ServerIdOf(server);

    public IReadOnlyList<ToolServerInfo> Servers =>
        _inner.Servers.Select(s => _thirdParty.TryGetValue(s.Name, out var thirdParty)
            ? s with { ScopeRules = thirdParty.Scopes.ToDictionary(r => r.Key, r => r.Value.ToString(), StringComparer.Ordinal) }
            : s).ToArray();

    public Task<IReadOnlyList<ToolDescriptor>> ListToolsAsync(string server, CancellationToken cancellationToken = default) =>
        _inner.ListToolsAsync(server, cancellationToken);

    public Task WarmUpAsync(IEnumerable<string> servers, CancellationToken cancellationToken = default) =>
        _inner.WarmUpAsync(servers, cancellationToken);

    public Task<ToolDescriptor?> DescribeAsync(string server, string tool, CancellationToken cancellationToken = default) =>
        _inner.DescribeAsync(server, tool, cancellationToken);

    public async Task<ToolCallOutcome> CallAsync(string server, string tool, JsonObject arguments, string credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (!_thirdParty.TryGetValue(server, out var thirdParty))
        {
            return await _inner.CallAsync(server, tool, arguments, credential, cancellationToken).ConfigureAwait(false);
        }
        var decision = _check.Evaluate(thirdParty, tool, arguments, credential);
        var allowed = decision.Decision.Verdict == Verdict.Allow;
        string? auditProblem = null;
        try
        {
            await _audit.AppendAsync(new AuditEntry(
                decision.Caller?.ContextId ?? "-",
                decision.Caller?.Subject ?? "unverified",
                ThirdPartyCredentialCheck.Describe(decision.Caller),
                $"{server}/{tool}",
                AuditLayer.Digest(arguments.ToJsonString()),
                [decision.Decision],
                allowed ? "allowed" : "denied"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            auditProblem = ex.Message;
        }
        if (!allowed || auditProblem is not null)
        {
            var reason = auditProblem is null
                ? $"{decision.Decision.Rule}: {decision.Decision.Reason}"
                : $"the audit log could not record this call: {auditProblem}";
            return new ToolCallOutcome(true, null, $"refused by the orchestrator before reaching third-party server '{server}': {reason}");
        }
        // The token stays here: the server could not verify it, and a bearer token handed to a third party is leaked.
        var outcome = await _inner.CallAsync(server, tool, arguments, credential: string.Empty, cancellationToken).ConfigureAwait(false);
        return _screen.Screen($"{server}/{tool}", outcome);
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
