using System.Globalization;
using System.Text.Json.Nodes;

namespace AgentOps.Guardrails.Policy;

/// <summary>
/// Turns a schema-valid <c>scope.yaml</c> (as JSON) into an <see cref="ActionPolicy"/>, and checks what the schema
/// cannot: the size list holds <c>maxSize</c>, time zones exist, windows end after they start, and an agent's tools
/// and verbs are ones its AIAgent spec has (a policy entry naming anything else is a typo that would never match).
/// </summary>
internal sealed class ActionPolicyReader(string file, Dictionary<string, int> lines, AgentCatalog? agents)
{
    private static readonly Dictionary<string, DayOfWeek> s_days = new(StringComparer.Ordinal)
    {
        ["mon"] = DayOfWeek.Monday, ["tue"] = DayOfWeek.Tuesday, ["wed"] = DayOfWeek.Wednesday, ["thu"] = DayOfWeek.Thursday,
        ["fri"] = DayOfWeek.Friday, ["sat"] = DayOfWeek.Saturday, ["sun"] = DayOfWeek.Sunday,
    };

    public ActionPolicy Read(JsonObject root)
    {
        var zone = root["timeZone"] is { } z ? Zone(z.GetValue<string>(), "/timeZone") : TimeZoneInfo.Utc;
        var tenants = new Dictionary<string, string>(StringComparer.Ordinal);
        var tenantList = Array(root, "tenants");
        for (var i = 0; i < tenantList.Count; i++)
        {
            var tenant = tenantList[i]!.AsObject();
            var name = tenant["name"]!.GetValue<string>();
            var members = tenant["members"]!.AsArray();
            for (var m = 0; m < members.Count; m++)
            {
                if (!tenants.TryAdd(members[m]!.GetValue<string>(), name))
                {
                    throw Error($"/tenants/{i}/members/{m}", $"'{members[m]}' is already a member of tenant '{tenants[members[m]!.GetValue<string>()]}'");
                }
            }
        }
        var rates = root["rateLimits"] as JsonObject;
        return new ActionPolicy(
            file,
            ReadAgents(root["agents"] as JsonObject),
            ReadNamespaces(root["namespaces"] as JsonObject),
            ReadResources(root["limits"] as JsonObject),
            ReadWindows(Array(root, "changeWindows"), zone),
            ReadFreezes(Array(root, "freezes"), zone),
            root["blastRadius"] is JsonObject blast
                ? new BlastRadiusRule(blast["perRun"]?.GetValue<long>() is { } run ? (int)run : null, blast["perHour"]?.GetValue<long>() is { } hour ? (int)hour : null, LineOf("/blastRadius"))
                {
                    PerRunLine = LineOf("/blastRadius/perRun"),
                    PerHourLine = LineOf("/blastRadius/perHour"),
                }
                : new BlastRadiusRule(null, null, 0),
            ReadRate(rates, "perAgent"),
            ReadRate(rates, "perTenant"),
            tenants);
    }

    private Dictionary<string, AgentRule> ReadAgents(JsonObject? node)
    {
        var rules = new Dictionary<string, AgentRule>(StringComparer.Ordinal);
        foreach (var (name, value) in node ?? [])
        {
            var entry = value!.AsObject();
            var tools = Strings(entry["tools"]);
            var verbs = entry["verbs"] is { } v ? Strings(v) : null;
            // An agent the catalogue does not hold (another deployment's, one not yet rolled out) is not checked here.
            if (agents is not null && agents.TryGet(name, out var spec))
            {
                for (var i = 0; i < tools.Count; i++)
                {
                    var (server, tool) = (tools[i][..tools[i].IndexOf('/')], tools[i][(tools[i].IndexOf('/') + 1)..]);
                    if (!spec.Endpoints.TryGetValue(server, out var known) || (tool != "*" && !known.Contains(tool) && !known.Contains("*")))
                    {
                        throw Error($"/agents/{name}/tools/{i}", $"unknown tool '{tools[i]}': agent '{name}' has no such tool in its AIAgent spec " +
                            $"(its tools: {string.Join(", ", spec.Endpoints.SelectMany(e => e.Value.Select(t => $"{e.Key}/{t}")).Order(StringComparer.Ordinal))})");
                    }
                }
            }
            for (var i = 0; i < (verbs?.Count ?? 0); i++)
            {
                var (server, verb) = (verbs![i][..verbs[i].IndexOf(':')], verbs[i][(verbs[i].IndexOf(':') + 1)..]);
                if (verb != "*" && server != "*" && AgentCatalog.ScopeVerbs.TryGetValue(server, out var known) && !known.Contains(verb))
                {
                    throw Error($"/agents/{name}/verbs/{i}", $"unknown verb '{verbs[i]}': the {server} server checks only {string.Join(", ", known.Order(StringComparer.Ordinal))}");
                }
            }
            rules[name] = new AgentRule(name, tools, verbs, LineOf($"/agents/{name}"));
        }
        return rules;
    }

    private NamespaceRule ReadNamespaces(JsonObject? node) => node is null
        ? new NamespaceRule([], [], 0)
        : new NamespaceRule(node["allowed"] is { } allowed ? Strings(allowed) : ["*"], node["denied"] is { } denied ? Strings(denied) : [], LineOf("/namespaces"))
        {
            AllowedLine = LineOf("/namespaces/allowed"),
            DeniedLine = LineOf("/namespaces/denied"),
        };

    private ResourceRule ReadResources(JsonObject? node)
    {
        if (node is null)
        {
            return new ResourceRule([], null, null, null, null, 0);
        }
        var sizes = node["sizes"] is { } list ? Strings(list) : [];
        var maxSize = node["maxSize"]?.GetValue<string>();
        if (maxSize is not null && !sizes.Contains(maxSize))
        {
            throw Error("/limits/maxSize", $"'{maxSize}' is not one of limits.sizes ({string.Join(", ", sizes)})");
        }
        return new ResourceRule(
            sizes,
            maxSize,
            node["maxReplicas"]?.GetValue<long>() is { } replicas ? (int)replicas : null,
            node["maxStorage"]?.GetValue<string>() is { } storage ? StorageMi(storage) : null,
            node["monthlyCostCeiling"]?.GetValue<string>() is { } cost ? decimal.Parse(cost[..^4], CultureInfo.InvariantCulture) : null,
            LineOf("/limits"))
        {
            Lines = new[] { "maxSize", "maxReplicas", "maxStorage", "monthlyCostCeiling" }.ToDictionary(f => f, f => LineOf("/limits/" + f), StringComparer.Ordinal),
        };
    }

    private List<ChangeWindow> ReadWindows(JsonArray list, TimeZoneInfo zone)
    {
        var windows = new List<ChangeWindow>();
        for (var i = 0; i < list.Count; i++)
        {
            var item = list[i]!.AsObject();
            var path = $"/changeWindows/{i}";
            var from = Clock(item["from"]!.GetValue<string>(), path + "/from");
            var to = Clock(item["to"]!.GetValue<string>(), path + "/to");
            if (to != TimeOnly.MinValue && to <= from)
            {
                throw Error(path + "/to", $"{to:HH\\:mm} is not after from ({from:HH\\:mm}); split a window that spans midnight in two");
            }
            windows.Add(new ChangeWindow(
                item["id"]!.GetValue<string>(),
                Strings(item["days"]).Select(d => s_days[d]).ToHashSet(),
                from,
                to,
                item["timeZone"] is { } z ? Zone(z.GetValue<string>(), path + "/timeZone") : zone,
                LineOf(path)));
        }
        return windows;
    }

    private List<FreezePeriod> ReadFreezes(JsonArray list, TimeZoneInfo zone)
    {
        var freezes = new List<FreezePeriod>();
        for (var i = 0; i < list.Count; i++)
        {
            var item = list[i]!.AsObject();
            var path = $"/freezes/{i}";
            var from = LocalTime(item["from"]!.GetValue<string>(), path + "/from");
            var to = LocalTime(item["to"]!.GetValue<string>(), path + "/to");
            if (to <= from)
            {
                throw Error(path + "/to", $"{to:s} is not after from ({from:s})");
            }
            freezes.Add(new FreezePeriod(item["id"]!.GetValue<string>(), from, to,
                item["timeZone"] is { } z ? Zone(z.GetValue<string>(), path + "/timeZone") : zone, item["reason"]?.GetValue<string>(), LineOf(path)));
        }
        return freezes;
    }

    private RateRule? ReadRate(JsonObject? rates, string key)
    {
        if (rates?[key] is not JsonObject rate)
        {
            return null;
        }
        var window = rate["window"]!.GetValue<string>();
        var amount = int.Parse(window.AsSpan(0, window.Length - 1), CultureInfo.InvariantCulture);
        var span = window[^1] switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), _ => TimeSpan.FromHours(amount) };
        if (span <= TimeSpan.Zero)
        {
            throw Error($"/rateLimits/{key}/window", $"'{window}' must be a positive duration");
        }
        return new RateRule((int)rate["permits"]!.GetValue<long>(), span, LineOf($"/rateLimits/{key}"));
    }

    private TimeZoneInfo Zone(string id, string path)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw Error(path, $"'{id}' is not a known time zone (use an IANA id such as Europe/Berlin or UTC)");
        }
    }

    private TimeOnly Clock(string text, string path) =>
        text == "24:00" ? TimeOnly.MinValue
        : TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock) ? clock
        : throw Error(path, $"'{text}' is not a time of day (HH:mm)");

    private DateTime LocalTime(string text, string path) =>
        DateTime.TryParseExact(text, ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? DateTime.SpecifyKind(time, DateTimeKind.Unspecified)
            : throw Error(path, $"'{text}' is not a local date and time (yyyy-MM-ddTHH:mm)");

    internal static long StorageMi(string quantity)
    {
        var amount = long.Parse(quantity.AsSpan(0, quantity.Length - 2), CultureInfo.InvariantCulture);
        return quantity[^2..] switch { "Ti" => amount * 1024 * 1024, "Gi" => amount * 1024, _ => amount };
    }

    private static JsonArray Array(JsonObject root, string key) => root[key] as JsonArray ?? [];

    private static List<string> Strings(JsonNode? node) => node?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];

    private int LineOf(string pointer) => ActionPolicyLoader.LineOf(lines, pointer);

    private PolicyLoadException Error(string pointer, string problem) => new(file, LineOf(pointer), pointer, problem);
}
