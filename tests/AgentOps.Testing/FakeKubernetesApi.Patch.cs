using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentOps.Testing;

public sealed partial class FakeKubernetesApi
{
    private const string MergePatch = "application/merge-patch+json";
    private const string StrategicMergePatch = "application/strategic-merge-patch+json";
    private const string JsonPatch = "application/json-patch+json";

    // Strategic merge is treated as a JSON merge patch: the same for maps, which is all that scale and
    // rollout restart touch; list merge keys are out of the fake's scope.
    private static JsonObject ApplyPatch(JsonObject target, string? contentType, string? body)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(body ?? string.Empty);
        }
        catch (JsonException ex)
        {
            throw new ApiError(400, "BadRequest", $"error decoding patch: {ex.Message}");
        }
        return mediaType switch
        {
            MergePatch or StrategicMergePatch when patch is JsonObject merge => (JsonObject)Merge(target, merge),
            JsonPatch when patch is JsonArray operations => ApplyJsonPatch(target, operations),
            MergePatch or StrategicMergePatch or JsonPatch => throw new ApiError(400, "BadRequest", $"the patch is not valid {mediaType}"),
            _ => throw new ApiError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {JsonPatch}, {MergePatch}, {StrategicMergePatch}"),
        };
    }

    // RFC 7386.
    private static JsonNode Merge(JsonNode? target, JsonObject patch)
    {
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patch.ToArray())
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonObject nested)
            {
                result[key] = Merge(result[key]?.DeepClone(), nested);
            }
            else
            {
                result[key] = value.DeepClone();
            }
        }
        return result;
    }

    // RFC 6902: add, replace, remove and test on object members and array indexes.
    private static JsonObject ApplyJsonPatch(JsonObject target, JsonArray operations)
    {
        foreach (var operation in operations.OfType<JsonObject>())
        {
            var op = operation["op"]?.GetValue<string>();
            var path = operation["path"]?.GetValue<string>() ?? throw new ApiError(422, "Invalid", "a JSON patch operation has no path");
            var tokens = path.Split('/').Skip(1).Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
            if (tokens.Length == 0)
            {
                throw new ApiError(422, "Invalid", "a JSON patch cannot replace the whole object");
            }
            var parent = tokens[..^1].Aggregate<string, JsonNode?>(target, (node, token) => node switch
            {
                JsonObject obj => obj[token],
                JsonArray array when int.TryParse(token, out var i) && i >= 0 && i < array.Count => array[i],
                _ => null,
            }) ?? throw new ApiError(422, "Invalid", $"doc is missing path: \"{path}\"");
            var last = tokens[^1];
            var value = operation["value"]?.DeepClone();
            switch (op, parent)
            {
                case ("add" or "replace", JsonObject obj):
                    if (op == "replace" && !obj.ContainsKey(last))
                    {
                        throw new ApiError(422, "Invalid", $"replace operation does not apply: doc is missing key: {path}");
                    }
                    obj[last] = value;
                    break;
                case ("add", JsonArray array):
                    array.Insert(last == "-" ? array.Count : Index(array, last, path, insert: true), value);
                    break;
                case ("replace", JsonArray array):
                    array[Index(array, last, path, insert: false)] = value;
                    break;
                case ("remove", JsonObject obj) when obj.ContainsKey(last):
                    obj.Remove(last);
                    break;
                case ("remove", JsonArray array):
                    array.RemoveAt(Index(array, last, path, insert: false));
                    break;
                case ("test", JsonObject obj) when JsonNode.DeepEquals(obj[last], value):
                    break;
                case ("test", _):
                    throw new ApiError(422, "Invalid", $"testing value {path} failed");
                default:
                    throw new ApiError(422, "Invalid", $"unsupported JSON patch operation '{op}' at {path}");
            }
        }
        return target;
    }

    private static int Index(JsonArray array, string token, string path, bool insert) =>
        int.TryParse(token, out var index) && index >= 0 && (index < array.Count || insert && index == array.Count)
            ? index
            : throw new ApiError(422, "Invalid", $"index out of range at {path}");
}
