using AgentOps.Identity;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.Hosting;

/// <summary>The verified credential of the current call, put there by <see cref="CredentialFilter"/>.</summary>
public static class CallerCredential
{
    internal const string ItemKey = "agentops.credential";

    public static VerifiedCredential From(RequestContext<CallToolRequestParams> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The filter runs before every tool, so a missing item means the server was composed without it: refuse.
        return context.Items.TryGetValue(ItemKey, out var value) && value is VerifiedCredential credential
            ? credential
            : throw new McpException("credential refused: no verified credential on this call");
    }
}
