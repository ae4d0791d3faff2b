using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentOps.Core;

namespace AgentOps.Storage;

/// <summary>
/// The one JSON shape of an audit record, used for hashing, for the JSON columns and for export, so a SIEM can
/// re-check a hash by dropping "hash" from an exported line and hashing its canonical form.
/// </summary>
internal static class AuditRecordJson
{
    public const string GenesisHash = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    public static string ComputeHash(AuditRecord record)
    {
        var canonical = CanonicalJson.Serialize(ToJson(record, includeHash: false));
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The record's Merkle leaf: the UTF-8 bytes of its exported JSON line (hash included).</summary>
    public static byte[] LeafBytes(AuditRecord record) => Encoding.UTF8.GetBytes(CanonicalJson.Serialize(ToJson(record, includeHash: true)));

    public static byte[] LeafHash(AuditRecord record) => MerkleTree.LeafHash(LeafBytes(record));

    public static JsonObject ToJson(AuditRecord record, bool includeHash)
    {
        var json = new JsonObject
        {
            ["sequence"] = record.Sequence,
            ["time"] = StorageTime.Format(record.Time),
            ["run_id"] = record.RunId,
            ["actor"] = record.Actor,
            ["delegation_chain"] = DelegationChainNode(record.DelegationChain),
            ["action"] = record.Action,
            ["argument_digest"] = record.ArgumentDigest,
            ["decisions"] = DecisionsNode(record.Decisions),
            ["outcome"] = record.Outcome,
            ["result_digest"] = record.ResultDigest,
            ["prev_hash"] = record.PrevHash,
        };
        if (includeHash)
        {
            json["hash"] = record.Hash;
        }
        return json;
    }

    public static string SerializeDelegationChain(IReadOnlyList<string> chain) => CanonicalJson.Serialize(DelegationChainNode(chain));

    public static string SerializeDecisions(IReadOnlyList<LayerDecision> decisions) => CanonicalJson.Serialize(DecisionsNode(decisions));

    public static IReadOnlyList<string> ParseDelegationChain(string json) =>
        ParseArray(json, "delegation_chain")
            .Select(node => node?.GetValue<string>() ?? throw new JsonException("delegation_chain contains null"))
            .ToArray();

    public static IReadOnlyList<LayerDecision> ParseDecisions(string json) =>
        ParseArray(json, "decisions").Select(ParseDecision).ToArray();

    private static JsonArray DelegationChainNode(IReadOnlyList<string> chain) =>
        new(chain.Select(link => (JsonNode?)JsonValue.Create(link)).ToArray());

    private static JsonArray DecisionsNode(IReadOnlyList<LayerDecision> decisions) =>
        new(decisions.Select(d => (JsonNode?)new JsonObject
        {
            ["layer"] = d.Layer,
            ["verdict"] = d.Verdict.ToString(),
            ["rule"] = d.Rule,
            ["reason"] = d.Reason,
        }).ToArray());

    private static JsonArray ParseArray(string json, string column) =>
        JsonNode.Parse(json) as JsonArray ?? throw new JsonException($"{column} is not a JSON array");

    private static LayerDecision ParseDecision(JsonNode? node)
    {
        if (node is not JsonObject decision)
        {
            throw new JsonException("a decision is not a JSON object");
        }
        var verdictText = RequiredString(decision, "verdict");
        // Enum.TryParse also accepts "1" or "deny"; only the exact name round-trips to the same hash input.
        if (!Enum.TryParse<Verdict>(verdictText, out var verdict) || verdict.ToString() != verdictText)
        {
            throw new JsonException($"'{verdictText}' is not a verdict");
        }
        return new LayerDecision(RequiredString(decision, "layer"), verdict, RequiredString(decision, "rule"), RequiredString(decision, "reason"));
    }

    private static string RequiredString(JsonObject json, string name) =>
        json[name]?.GetValue<string>() ?? throw new JsonException($"a decision has no {name}");
}
