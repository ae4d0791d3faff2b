using System.Text.Json.Nodes;

namespace AgentOps.Manifests;

/// <summary>
/// Derives the schema of the CRDs Crossplane generates from an XRD. Crossplane injects its machinery fields
/// (compositionRef, writeConnectionSecretToRef, ...) into the generated CRDs, so a claim that uses them is valid even
/// though the XRD does not list them; without this, strict validation would reject every such claim.
/// The field shapes follow crossplane/crossplane internal/xcrd (schemas.go and crd.go, Apache-2.0).
/// </summary>
internal static class CrossplaneSchemas
{
    public const string LegacyClusterScope = "LegacyCluster";

    // The composite and claim names become label values, hence 63 characters rather than 253.
    private const int MaxNameLength = 63;

    private const string NameRef = """{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}""";

    private const string LabelSelector = """
        {"type":"object","required":["matchLabels"],
         "properties":{"matchLabels":{"type":"object","additionalProperties":{"type":"string"}}}}
        """;

    private const string UpdatePolicy = """{"type":"string","enum":["Automatic","Manual"]}""";

    private const string Conditions = """
        {"type":"array","items":{"type":"object","required":["lastTransitionTime","reason","status","type"],
         "properties":{"lastTransitionTime":{"type":"string","format":"date-time"},"message":{"type":"string"},
          "reason":{"type":"string"},"status":{"type":"string"},"type":{"type":"string"},
          "observedGeneration":{"type":"integer","format":"int64"}}}}
        """;

    private const string ConnectionDetails = """
        {"type":"object","properties":{"lastPublishedTime":{"type":"string","format":"date-time"}}}
        """;

    /// <summary>The composite resource (XR) schema; <paramref name="scope"/> is the XRD's spec.scope.</summary>
    public static JsonObject ForComposite(JsonObject? xrdSchema, string scope)
    {
        var legacy = scope == LegacyClusterScope;
        var spec = CompositionProperties();
        // Namespaced XRs may not reference composed resources in other namespaces.
        var refProperties = scope == "Namespaced"
            ? """{"apiVersion":{"type":"string"},"name":{"type":"string"},"kind":{"type":"string"}}"""
            : """{"apiVersion":{"type":"string"},"name":{"type":"string"},"namespace":{"type":"string"},"kind":{"type":"string"}}""";
        spec["resourceRefs"] = new JsonObject
        {
            ["type"] = "array",
            ["items"] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray("apiVersion", "kind"),
                ["properties"] = Parse(refProperties),
            },
        };

        var status = new JsonObject { ["conditions"] = Parse(Conditions) };
        if (legacy)
        {
            // Legacy (v1-style) XRs keep the machinery directly under spec and can be claimed.
            spec["claimRef"] = Parse("""
                {"type":"object","required":["apiVersion","kind","namespace","name"],
                 "properties":{"apiVersion":{"type":"string"},"kind":{"type":"string"},
                  "namespace":{"type":"string"},"name":{"type":"string"}}}
                """);
            spec["writeConnectionSecretToRef"] = Parse("""
                {"type":"object","required":["name","namespace"],
                 "properties":{"name":{"type":"string"},"namespace":{"type":"string"}}}
                """);
            AddLegacyStatus(status);
            return Derive(xrdSchema, spec, status);
        }

        // Modern (v2) XRs nest the machinery under spec.crossplane and status.crossplane.
        var modernSpec = new JsonObject { ["crossplane"] = new JsonObject { ["type"] = "object", ["properties"] = spec } };
        status["crossplane"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["connectionDetails"] = Parse(ConnectionDetails) },
        };
        return Derive(xrdSchema, modernSpec, status);
    }

    /// <summary>The claim (XRC) schema; claims always carry the machinery directly under spec.</summary>
    public static JsonObject ForClaim(JsonObject? xrdSchema)
    {
        var spec = CompositionProperties();
        spec["compositeDeletePolicy"] = Parse("""{"type":"string","enum":["Background","Foreground"]}""");
        spec["resourceRef"] = Parse("""
            {"type":"object","required":["apiVersion","kind","name"],
             "properties":{"apiVersion":{"type":"string"},"kind":{"type":"string"},"name":{"type":"string"}}}
            """);
        spec["writeConnectionSecretToRef"] = Parse(NameRef);
        var status = new JsonObject { ["conditions"] = Parse(Conditions) };
        AddLegacyStatus(status);
        return Derive(xrdSchema, spec, status);
    }

    private static JsonObject CompositionProperties() => new()
    {
        ["compositionRef"] = Parse(NameRef),
        ["compositionSelector"] = Parse(LabelSelector),
        ["compositionRevisionRef"] = Parse(NameRef),
        ["compositionRevisionSelector"] = Parse(LabelSelector),
        ["compositionUpdatePolicy"] = Parse(UpdatePolicy),
    };

    private static void AddLegacyStatus(JsonObject status)
    {
        status["connectionDetails"] = Parse(ConnectionDetails);
        status["claimConditionTypes"] = Parse("""{"type":"array","items":{"type":"string"}}""");
    }

    // Follows genCrdVersion: only spec and status of the XRD's schema survive, merged over Crossplane's base.
    private static JsonObject Derive(JsonObject? xrdSchema, JsonObject injectedSpec, JsonObject injectedStatus)
    {
        var maxName = xrdSchema.At("properties", "metadata", "properties", "name", "maxLength") is JsonValue v
            && v.TryGetValue<long>(out var declared) && declared < MaxNameLength
                ? declared
                : MaxNameLength;
        var result = Parse("""
            {"type":"object","required":["spec"],"properties":{
              "apiVersion":{"type":"string"},"kind":{"type":"string"},
              "metadata":{"type":"object","properties":{"name":{"type":"string"}}},
              "spec":{"type":"object","properties":{}},"status":{"type":"object","properties":{}}}}
            """);
        result.At("properties", "metadata", "properties", "name")!["maxLength"] = maxName;
        if (xrdSchema?["description"] is { } description)
        {
            result["description"] = description.DeepClone();
        }

        MergeSection(xrdSchema.At("properties", "spec"), result.At("properties", "spec")!.AsObject(), injectedSpec, "x-kubernetes-preserve-unknown-fields");
        MergeSection(xrdSchema.At("properties", "status"), result.At("properties", "status")!.AsObject(), injectedStatus, null);
        return result;
    }

    private static void MergeSection(JsonNode? fromXrd, JsonObject target, JsonObject injected, string? extraKeyword)
    {
        if (fromXrd is JsonObject section)
        {
            foreach (var keyword in new[] { "required", "description", "oneOf", extraKeyword })
            {
                if (keyword is not null && section[keyword] is { } value)
                {
                    target[keyword] = value.DeepClone();
                }
            }

            var properties = target["properties"]!.AsObject();
            foreach (var (name, schema) in section["properties"] as JsonObject ?? [])
            {
                properties[name] = schema?.DeepClone();
            }
        }

        // Injected fields override same-named fields from the XRD, as in Crossplane.
        var targetProperties = target["properties"]!.AsObject();
        foreach (var (name, schema) in injected)
        {
            targetProperties[name] = schema?.DeepClone();
        }
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
