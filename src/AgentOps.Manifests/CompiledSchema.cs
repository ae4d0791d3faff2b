using System.Text.Json;
using Json.Schema;

namespace AgentOps.Manifests;

/// <summary>A built JSON Schema together with its JSON text, which error messages quote enum values and limits from.</summary>
internal sealed record CompiledSchema(JsonSchema Schema, JsonElement Document);
