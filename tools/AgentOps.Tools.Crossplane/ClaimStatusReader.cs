using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Manifests;
using AgentOps.Tools.Hosting;
using k8s;
using k8s.Autorest;
using ModelContextProtocol;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace AgentOps.Tools.Crossplane;

public sealed record ClaimCondition(string Type, string Status, string? Reason, UntrustedText? Message, string? LastTransitionTime);

public sealed record ClaimStatus(
    string ApiVersion,
    string Kind,
    string Namespace,
    string Name,
    bool Ready,
    bool Synced,
    IReadOnlyList<ClaimCondition> Conditions,
    string? ConnectionSecret,
    string? CompositeResource);

/// <summary>
/// Reads a claim's status from the cluster, when one is configured. The claim kind's REST path comes from the XRDs
/// this server already validates against, so only claim kinds we know can be read.
/// </summary>
public sealed class ClaimStatusReader(IKubernetes? cluster, SchemaCatalog schemas, OutputHygiene hygiene, TimeSpan timeout)
{
    // Reads are idempotent, so transient failures (5xx, connection errors, a slow answer) are retried a little.
    private readonly ResiliencePipeline _reads = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(100),
            BackoffType = DelayBackoffType.Exponential,
            ShouldHandle = new PredicateBuilder()
                .Handle<HttpRequestException>()
                .Handle<TimeoutRejectedException>()
                .Handle<HttpOperationException>(e => (int)e.Response.StatusCode >= 500),
        })
        .AddTimeout(timeout)
        .Build();

    public bool IsConfigured => cluster is not null;

    public async Task<ClaimStatus> ReadAsync(string kind, string ns, string name, string? apiVersion, CancellationToken cancellationToken)
    {
        if (cluster is null)
        {
            throw new McpException("claim_status: no cluster is configured. Set AgentOps:Crossplane:Kubeconfig (and optionally :Context), or AgentOps:Crossplane:InCluster=true.");
        }
        var schema = FindClaimSchema(kind, apiVersion);
        var (group, version) = SplitApiVersion(schema.ApiVersion);
        JsonElement claim;
        try
        {
            claim = await _reads.ExecuteAsync(
                async ct => (JsonElement)await cluster.CustomObjects.GetNamespacedCustomObjectAsync(group, version, ns, schema.Plural!, name, cancellationToken: ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new McpException($"claim_status: {kind} '{ns}/{name}' was not found in the cluster.", ex);
        }
        catch (HttpOperationException ex)
        {
            throw new McpException($"claim_status: the Kubernetes API answered {(int)ex.Response.StatusCode} for {kind} '{ns}/{name}'.", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            throw new McpException($"claim_status: the Kubernetes API could not be reached ({ex.GetType().Name}: {ex.Message}).", ex);
        }
        return Summarise(schema, ns, name, JsonNode.Parse(claim.GetRawText()));
    }

    private ClaimStatus Summarise(ManifestSchema schema, string ns, string name, JsonNode? claim)
    {
        var conditions = (claim?["status"]?["conditions"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(c => new ClaimCondition(
                Text(c["type"]) ?? "Unknown",
                Text(c["status"]) ?? "Unknown",
                Text(c["reason"]),
                // Condition messages are written by providers and cloud APIs: outside our control.
                Text(c["message"]) is { } message ? hygiene.Untrusted("crossplane-condition", message) : null,
                Text(c["lastTransitionTime"])))
            .ToArray();
        bool IsTrue(string type) => conditions.Any(c => c.Type == type && c.Status == "True");
        return new ClaimStatus(
            schema.ApiVersion,
            schema.Kind,
            ns,
            name,
            IsTrue("Ready"),
            IsTrue("Synced"),
            conditions,
            Text(claim?["spec"]?["writeConnectionSecretToRef"]?["name"]),
            Text(claim?["spec"]?["resourceRef"]?["name"]));
    }

    private ManifestSchema FindClaimSchema(string kind, string? apiVersion)
    {
        var candidates = schemas.Kinds
            .Select(k => k.Split(' ', 2))
            .Where(p => p[1] == kind && (apiVersion is null || p[0] == apiVersion))
            .Select(p => schemas.TryGet(p[0], p[1], out var s) ? s : null)
            .OfType<ManifestSchema>()
            .Where(s => s.IsClaim && s.Plural is not null)
            .ToArray();
        return candidates.Length switch
        {
            1 => candidates[0],
            0 => throw new McpException($"claim_status: '{kind}' is not a claim kind of any known XRD. Call xrd_list for the kinds this server knows."),
            _ => throw new McpException($"claim_status: '{kind}' is served at several versions ({string.Join(", ", candidates.Select(c => c.ApiVersion))}); pass api_version."),
        };
    }

    private static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
