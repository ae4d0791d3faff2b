using System.Text.Json.Nodes;

namespace AgentOps.Interop.Tests;

/// <summary>Arguments for the Crossplane server's tools, as a client would send them.</summary>
internal static class CrossplaneRequests
{
    public const string RenderScope = "crossplane:render:skill/provision-database";

    /// <summary><c>claim_render</c> of the provision-database skill for the payments team.</summary>
    public static JsonObject RenderArguments() => new()
    {
        ["skill"] = "provision-database",
        ["parameters"] = new JsonObject
        {
            ["engine"] = "postgresql", ["size"] = "small", ["region"] = "eu-west-1", ["backup_schedule"] = "daily",
            ["service"] = "payments-api", ["namespace"] = "payments", ["resource_name"] = "payments-api-db",
            ["connection_secret"] = "payments-api-db-connection", ["storage_gb"] = "20", ["branch"] = "agentops/payments/payments-api-db",
        },
    };
}
