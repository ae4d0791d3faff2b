using System.CommandLine;
using AgentOps.Orchestration.Tools;

namespace AgentOps.Cli.Commands;

/// <summary>
/// <c>agentops tools list</c>: every tool server a plan step can name — ours and those configured under
/// <c>AgentOps:ThirdPartyTools</c> — with its token audience, its trust level and the tools it advertises. It starts
/// each server to ask it (<c>tools/list</c>) and calls no tool. For a third-party server it shows the scope each tool
/// needs, from the orchestrator's scope map; a tool without a rule is marked refused.
/// </summary>
internal static class ToolsCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("tools", "The tool servers plans can use, and who checks their calls");
        var list = new Command("list", "List every configured tool server with its trust level and tools (starts each server, calls no tool)");
        list.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, async (runtime, reply) =>
        {
            var servers = runtime.Tools.Servers;
            // Side by side: a server that does not start must not hide the others, and must not make the rest wait in turn.
            var listings = await Task.WhenAll(servers.Select(s => ListAsync(runtime.Tools, s, ct))).ConfigureAwait(false);
            reply.Data(listings.Select(ToJson).ToArray());
            foreach (var listing in listings)
            {
                Print(reply, listing);
            }
            return listings.All(l => l.Error is null) ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        command.Subcommands.Add(list);
        return command;
    }

    private static async Task<Listing> ListAsync(IToolGateway tools, ToolServerInfo server, CancellationToken cancellationToken)
    {
        try
        {
            return new Listing(server, await tools.ListToolsAsync(server.Name, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ToolServerUnavailableException ex)
        {
            return new Listing(server, [], ex.Message);
        }
    }

    private static object ToJson(Listing listing) => new
    {
        name = listing.Server.Name,
        serverId = listing.Server.ServerId,
        trust = listing.Server.Trust,
        scopeCheckedBy = listing.Server.ScopeRules is null ? "server" : "orchestrator",
        available = listing.Error is null,
        error = listing.Error,
        tools = listing.Tools.Select(t => new
        {
            name = t.Name,
            readOnly = t.ReadOnly,
            destructive = t.Destructive,
            scope = ScopeOf(listing.Server, t.Name),
            refused = IsRefused(listing.Server, t.Name),
        }).ToArray(),
        // Rules naming a tool the server does not offer: usually a typo, which leaves the intended tool refused.
        unmatchedScopeRules = UnmatchedScopeRules(listing),
    };

    private static string[] UnmatchedScopeRules(Listing listing) =>
        listing.Error is null && listing.Server.ScopeRules is { } rules
            ? rules.Keys.Where(tool => listing.Tools.All(t => t.Name != tool)).Order(StringComparer.Ordinal).ToArray()
            : [];

    private static void Print(Output.Reply reply, Listing listing)
    {
        var server = listing.Server;
        var trust = server.Trust == ToolServerTrust.VerifiesToken
            ? "verifies-token (the server checks each step token itself)"
            : "unverified-token (the orchestrator checks each call against its scope map; the server never receives the token)";
        reply.Line($"{server.Name}  {server.ServerId}");
        reply.Line($"  trust: {trust}");
        if (listing.Error is { } error)
        {
            reply.Line($"  unavailable: {error}");
            return;
        }
        foreach (var tool in listing.Tools)
        {
            var traits = tool.ReadOnly ? "read-only" : tool.Destructive ? "destructive" : "writes";
            var scope = server.ScopeRules is null ? string.Empty
                : IsRefused(server, tool.Name) ? "  refused: no scope rule (deny by default)"
                : $"  scope {ScopeOf(server, tool.Name)}";
            reply.Line($"  {tool.Name,-32} {traits,-11}{scope}".TrimEnd());
        }
        foreach (var orphan in UnmatchedScopeRules(listing))
        {
            reply.Line($"  warning: the scope map names '{orphan}', which the server does not offer");
        }
    }

    private static string? ScopeOf(ToolServerInfo server, string tool) =>
        server.ScopeRules is { } rules && rules.TryGetValue(tool, out var rule) ? rule : null;

    private static bool IsRefused(ToolServerInfo server, string tool) =>
        server.ScopeRules is { } rules && !rules.ContainsKey(tool);

    private sealed record Listing(ToolServerInfo Server, IReadOnlyList<ToolDescriptor> Tools, string? Error);
}
