using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentOps.Testing;

public sealed partial class FakeKubernetesApi
{
    /// <summary>
    /// Sets a container's log: <paramref name="lines"/> oldest first, <paramref name="spacing"/> apart (default 30 s),
    /// the last one written now. <c>sinceSeconds</c> and <c>timestamps</c> use these times.
    /// </summary>
    public void SetPodLog(string @namespace, string pod, string container, IEnumerable<string> lines, TimeSpan? spacing = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var all = lines.ToArray();
        var step = spacing ?? TimeSpan.FromSeconds(30);
        var now = _time.GetUtcNow();
        var entries = all.Select((line, i) => new PodLogLine(now - step * (all.Length - 1 - i), line)).ToList();
        lock (_gate)
        {
            _logs[$"{@namespace}/{pod}/{container}"] = entries;
        }
    }

    private string PodLog(string ns, string pod, IReadOnlyDictionary<string, string> query)
    {
        var pods = FindType("", "v1", "pods")!;
        JsonObject found;
        List<PodLogLine> entries;
        lock (_gate)
        {
            found = Find(pods, ns, pod);
            var containers = (found["spec"]?["containers"] as JsonArray ?? []).Select(c => c?["name"]?.GetValue<string>()).OfType<string>().ToArray();
            var container = query.GetValueOrDefault("container") is { Length: > 0 } named
                ? named
                : containers.Length == 1
                    ? containers[0]
                    : throw new ApiError(400, "BadRequest", $"a container name must be specified for pod {pod}, choose one of: [{string.Join(" ", containers)}]");
            if (!containers.Contains(container))
            {
                throw new ApiError(400, "BadRequest", $"container {container} is not valid for pod {pod}");
            }
            if (query.GetValueOrDefault("previous") is "true" && !HasTerminatedBefore(found, container))
            {
                throw new ApiError(400, "BadRequest", $"previous terminated container \"{container}\" in pod \"{pod}\" not found");
            }
            entries = [.. _logs.GetValueOrDefault($"{ns}/{pod}/{container}") ?? []];
        }

        if (PositiveInteger(query, "sinceSeconds") is { } sinceSeconds)
        {
            var cutoff = _time.GetUtcNow() - TimeSpan.FromSeconds(sinceSeconds);
            entries = entries.Where(e => e.At >= cutoff).ToList();
        }
        if (PositiveInteger(query, "tailLines", allowZero: true) is { } tail)
        {
            entries = entries.Skip(Math.Max(0, entries.Count - (int)Math.Min(tail, int.MaxValue))).ToList();
        }
        var timestamps = query.GetValueOrDefault("timestamps") is "true";
        var text = new StringBuilder();
        foreach (var entry in entries)
        {
            if (timestamps)
            {
                text.Append(entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)).Append(' ');
            }
            text.Append(entry.Text).Append('\n');
        }
        var result = text.ToString();
        if (PositiveInteger(query, "limitBytes") is { } limit && Encoding.UTF8.GetByteCount(result) > limit)
        {
            result = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(result), 0, (int)Math.Min(limit, int.MaxValue));
        }
        return result;
    }

    private static bool HasTerminatedBefore(JsonObject pod, string container) =>
        (pod["status"]?["containerStatuses"] as JsonArray ?? [])
            .Any(s => s?["name"]?.GetValue<string>() == container && s["lastState"]?["terminated"] is JsonObject);

    private static long? PositiveInteger(IReadOnlyDictionary<string, string> query, string name, bool allowZero = false)
    {
        if (!query.TryGetValue(name, out var text))
        {
            return null;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && (value > 0 || allowZero && value == 0)
            ? value
            : throw new ApiError(422, "Invalid", $"PodLogOptions \"\" is invalid: {name}: Invalid value: {text}: must be {(allowZero ? "greater than or equal to 0" : "greater than 0")}");
    }
}
