using System.Text.Json;
using AgentOps.Identity;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentOps.Tools.Hosting;

/// <summary>
/// Runs before every tool: no valid delegated token whose scope covers this exact call, no tool.
/// The token is checked here, in the tool server, because <c>_meta</c> is untrusted input from the client.
/// </summary>
internal sealed partial class CredentialFilter(
    DelegatedTokenVerifier verifier,
    IToolScopeResolver scopes,
    ToolServerOptions options,
    ICallerTokenSource tokens,
    ILogger<CredentialFilter> logger)
{
    public async ValueTask<CallToolResult> InvokeAsync(
        RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        CancellationToken cancellationToken)
    {
        var toolName = context.Params?.Name ?? string.Empty;
        var arguments = context.Params?.Arguments is { } args
            ? new Dictionary<string, JsonElement>(args)
            : [];
        var required = scopes.RequiredScope(toolName, arguments)
            ?? throw Refuse(toolName, $"unknown_tool: '{toolName}' has no scope rule on this server");

        if (options.ReadOnly && context.MatchedPrimitive is McpServerTool tool && tool.ProtocolTool.Annotations?.ReadOnlyHint != true)
        {
            throw Refuse(toolName, $"read_only: this server runs with --read-only and '{toolName}' changes state");
        }

        var token = tokens.Read(context);
        var verification = verifier.Verify(token, options.ServerId, required);
        if (!verification.IsValid || verification.Credential is null)
        {
            throw Refuse(toolName, verification.Error ?? "invalid credential");
        }
        context.Items[CallerCredential.ItemKey] = verification.Credential;
        LogAllowed(logger, toolName, verification.Credential.Subject, required.ToString());
        return await next(context, cancellationToken).ConfigureAwait(false);
    }

    private McpException Refuse(string toolName, string error)
    {
        LogRefused(logger, toolName, error);
        return new McpException($"credential refused for '{toolName}': {error}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "allowed {Tool} for {Subject} with {Scope}")]
    private static partial void LogAllowed(ILogger logger, string tool, string subject, string scope);

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused {Tool}: {Error}")]
    private static partial void LogRefused(ILogger logger, string tool, string error);
}
