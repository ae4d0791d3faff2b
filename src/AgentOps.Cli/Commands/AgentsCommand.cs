using System.CommandLine;

namespace AgentOps.Cli.Commands;

/// <summary><c>agentops agents list</c>: the AIAgent specs and the most each agent may do.</summary>
internal static class AgentsCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("agents", "The agents and their ceilings");
        var list = new Command("list", "List the AIAgent specs");
        list.SetAction((parse, ct) => context.ExecuteAsync(parse, ct, (runtime, reply) =>
        {
            var agents = runtime.Agents.Agents.OrderBy(a => a.Name, StringComparer.Ordinal).ToArray();
            reply.Data(agents.Select(a => new
            {
                name = a.Name,
                id = a.Id,
                provider = a.Provider,
                model = a.Model,
                agentType = a.AgentType,
                mcpEndpoints = a.Endpoints.ToDictionary(e => e.Key, e => e.Value.Order(StringComparer.Ordinal).ToArray()),
                rbacScope = a.RbacScope.Select(s => s.ToString()).ToArray(),
                rateLimits = new { toolCallsPerMinute = a.ToolCallsPerMinute },
            }).ToArray());
            foreach (var a in agents)
            {
                reply.Line($"{a.Name}  ({a.Id})  {a.Provider}/{a.Model}  {a.ToolCallsPerMinute} calls/min");
                reply.Line($"  scope: {a.RbacScope}");
                foreach (var (server, tools) in a.Endpoints.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    reply.Line($"  {server}: {string.Join(", ", tools.Order(StringComparer.Ordinal))}");
                }
            }
            return Task.FromResult(ExitCodes.Ok);
        }));
        command.Subcommands.Add(list);
        return command;
    }
}
