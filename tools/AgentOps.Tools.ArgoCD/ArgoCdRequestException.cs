using System.Net;

namespace AgentOps.Tools.ArgoCD;

/// <summary>
/// A call to ArgoCD that did not give an answer this server can use. The message is written for the MCP client: it
/// names the request, what went wrong and how many attempts were made, and never holds the ArgoCD token.
/// </summary>
internal sealed class ArgoCdRequestException(string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>ArgoCD's HTTP status, or null when there was no answer at all (unreachable, timed out, unreadable).</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;
}
