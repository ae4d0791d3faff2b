using System.Text.Json.Nodes;

namespace AgentOps.Manifests.Tests;

/// <summary>The example claim of our platform's Database API, as an agent would generate it.</summary>
internal static class DatabaseClaims
{
    public const string Valid = """
        apiVersion: platform.example.io/v1alpha1
        kind: Database
        metadata:
          name: payments-api-db
          namespace: payments
          labels:
            app.kubernetes.io/name: payments-api-db
            app.kubernetes.io/part-of: payments-api
            app.kubernetes.io/managed-by: agentops
        spec:
          parameters:
            engine: postgresql
            size: small
            region: eu-west-1
            storageGB: 20
            backup:
              schedule: daily
            secretStorePath: databases/payments/payments-api-db
        """;

    public static JsonNode Parse() => YamlJson.ToJsonNode(Valid)!;

    public static JsonObject Parameters(JsonNode claim) => claim["spec"]!["parameters"]!.AsObject();
}
