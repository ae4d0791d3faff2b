using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentOps.Identity;
using AgentOps.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;

namespace AgentOps.Tools.Hosting;

/// <summary>
/// The shared start-up of every AgentOps tool server: configuration, stderr logging, credential checks, output
/// hygiene, and the transport — stdio by default, Streamable HTTP with <c>--http --urls http://127.0.0.1:PORT</c>.
/// </summary>
public static class ToolServerHost
{
    /// <summary>The path the Streamable HTTP endpoint is mapped on.</summary>
    public const string HttpPath = "/mcp";

    private static readonly Dictionary<string, string> s_switches = new(StringComparer.Ordinal)
    {
        ["--jwks"] = "AgentOps:Tool:Jwks",
        ["--server-id"] = "AgentOps:Tool:ServerId",
        ["--issuer"] = "AgentOps:Tool:Issuer",
        ["--read-only"] = "AgentOps:Tool:ReadOnly",
        ["--http"] = "AgentOps:Tool:Http",
        ["--urls"] = "AgentOps:Tool:Urls",
        ["--data-dir"] = "AgentOps:DataDirectory",
    };

    private static readonly string[] s_flags = ["--read-only", "--http"];

    /// <summary>
    /// Creates the host builder: a plain host for stdio, a web host for <c>--http</c>. Logs go to stderr because on
    /// stdio, stdout carries the protocol.
    /// </summary>
    public static IHostApplicationBuilder CreateBuilder(string[] args, string defaultServerId)
    {
        ArgumentNullException.ThrowIfNull(args);
        var normalised = NormaliseFlags(args);
        var http = IsHttp(normalised);
        // Configuration comes from the command line and the environment only. The defaults would also read
        // appsettings.json from the working directory and watch that directory tree for changes: started from a
        // repository checkout, that was a recursive inotify walk of every folder on each start.
        IHostApplicationBuilder builder = http
            ? WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory })
            : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create<string, string?>("AgentOps:Tool:ServerId", defaultServerId)]);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(normalised, s_switches);
        builder.Logging.ClearProviders();
        // Without host defaults, the Logging section (Logging__LogLevel__Default=Trace in the environment) must be
        // wired by hand; the token-safety filter below still wins for the SDK's category.
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The SDK logs whole messages at Trace, and a tools/call message carries the delegated token in _meta; it also
        // logs two Information lines per request, formatted on the hot path of every call. The category stays at
        // Warning whatever else is turned up.
        builder.Logging.AddFilter("ModelContextProtocol", LogLevel.Warning);
        if (http)
        {
            ConfigureHttp(builder);
        }
        return builder;
    }

    /// <summary>
    /// Opens the shared state file under <c>--data-dir</c> and remembers presented token ids there, so a token is
    /// single-use across server processes, not just within one; consults the revocation list in the same file on every
    /// call, and records each accepted token's last use in the issued-credential ledger.
    /// </summary>
    public static async Task<SqliteDatabase> UseSharedStateAsync(IHostApplicationBuilder builder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var dataDirectory = builder.Configuration["AgentOps:DataDirectory"]
            ?? throw new InvalidOperationException("Set --data-dir (or AgentOps__DataDirectory): tool servers keep shared state there, including used token ids.");
        var database = await SqliteDatabase.OpenAsync(Path.Combine(dataDirectory, "agentops.db"), cancellationToken).ConfigureAwait(false);
        // Revocations are read from the same file on every call, so `agentops identities revoke` in the CLI takes effect
        // at this server's next call; accepted calls use up their jti and mark the token's last use in the
        // issued-credential ledger. All three in one transaction per call.
        // A factory, so the container disposes the admission's connection at shutdown.
        builder.Services.AddSingleton<ITokenAdmission>(_ => new SqliteTokenAdmission(database));
        return database;
    }

    /// <summary>
    /// Registers the credential filter with its verifier, output hygiene, and the MCP server on the transport the
    /// configuration names. Filters run outermost first: credential, then hygiene, then the tool.
    /// </summary>
    public static IMcpServerBuilder AddAgentOpsToolServer<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] TScopes>(this IServiceCollection services, IConfiguration configuration, string name, string version)
        where TScopes : class, IToolScopeResolver
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ToolServerOptions>().Bind(configuration.GetSection(ToolServerOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ServerId), "AgentOps:Tool:ServerId (--server-id) is required.")
            .Validate(o => File.Exists(o.Jwks), "AgentOps:Tool:Jwks (--jwks) must name the issuer's JWKS file; a tool server never runs without one.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ToolServerOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IToolScopeResolver, TScopes>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<ToolServerOptions>();
            var time = sp.GetRequiredService<TimeProvider>();
            // Watched, so a server in HTTP mode that outlives a key rotation trusts the new key without a restart.
            var keys = JsonWebKeySet.Watch(options.Jwks, time);
            // No verified-token cache: every call brings a fresh single-use token, so an entry could only ever serve a
            // replay, which the admission refuses anyway; filling and sweeping it cost more than it saved.
            var verifierOptions = new VerifierOptions { Issuer = options.Issuer, VerifiedCacheCapacity = 0 };
            // Without shared state (tests, a server run by hand) a token is still single-use within this process.
            return sp.GetService<ITokenAdmission>() is { } admission
                ? new DelegatedTokenVerifier(keys, verifierOptions, time, replayCache: null, admission: admission)
                : new DelegatedTokenVerifier(keys, verifierOptions, time, new InMemoryReplayCache(time));
        });
        services.TryAddSingleton<CredentialFilter>();
        services.TryAddSingleton(_ => OutputHygiene.Load(Path.Combine(AppContext.BaseDirectory, "guardrails")));
        services.TryAddSingleton<OutputHygieneFilter>();
        services.TryAddSingleton<ToolServerWarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<ToolServerWarmUp>());

        var http = configuration.GetValue<bool>("AgentOps:Tool:Http");
        services.TryAddSingleton<ICallerTokenSource>(http ? new BearerTokenSource() : new MetaTokenSource());
        var builder = services.AddMcpServer(o => o.ServerInfo = new() { Name = name, Version = version });
        builder = http
            ? builder.WithHttpTransport(o => o.Stateless = true)
            : builder.WithStdioServerTransport();
        return builder.WithRequestFilters(filters =>
        {
            filters.AddCallToolFilter(next => async (context, cancellationToken) =>
            {
                await context.Services!.GetRequiredService<ToolServerWarmUp>().Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
                return await context.Services!.GetRequiredService<CredentialFilter>().InvokeAsync(context, next, cancellationToken).ConfigureAwait(false);
            });
            filters.AddCallToolFilter(next => (context, cancellationToken) =>
                context.Services!.GetRequiredService<OutputHygieneFilter>().InvokeAsync(context, next, cancellationToken));
        });
    }

    /// <summary>
    /// Serializer options for a server's tools: its own compile-time contracts for tool results first, then the SDK's.
    /// A Native AOT build has no reflection serializer, and the JIT build uses the same contracts, so the tests
    /// exercise what the AOT build ships.
    /// </summary>
    public static JsonSerializerOptions ToolSerializerOptions(IJsonTypeInfoResolver toolTypes)
    {
        ArgumentNullException.ThrowIfNull(toolTypes);
        var options = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(toolTypes, McpJsonUtilities.DefaultOptions.TypeInfoResolver),
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Builds and runs the server until its transport closes (stdio) or it is stopped (HTTP).</summary>
    public static async Task RunAsync(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder is WebApplicationBuilder web)
        {
            var app = web.Build();
            app.UseHostFiltering();
            app.MapMcp(HttpPath);
            await app.RunAsync().ConfigureAwait(false);
            return;
        }
        await ((HostApplicationBuilder)builder).Build().RunAsync().ConfigureAwait(false);
    }

    // The Streamable HTTP endpoint listens where --urls says, and answers only requests whose Host header names that
    // host: a page on another origin that resolves its own name to 127.0.0.1 (DNS rebinding) is turned away.
    private static void ConfigureHttp(IHostApplicationBuilder builder)
    {
        var urls = builder.Configuration["AgentOps:Tool:Urls"] ?? "http://127.0.0.1:5100";
        var bound = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri : throw new InvalidOperationException($"--urls: '{u}' is not an absolute URL."))
            .ToArray();
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create<string, string?>("urls", urls)]);
        var hosts = bound.Select(u => u.Host).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (bound.Any(u => u.IsLoopback))
        {
            hosts.Add("localhost");
        }
        builder.Services.AddHttpContextAccessor();
        builder.Services.Configure<HostFilteringOptions>(o =>
        {
            o.AllowedHosts = [.. hosts];
            o.AllowEmptyHosts = false;
        });
    }

    private static bool IsHttp(string[] args) =>
        args.Any(a => a.Equals("--http=true", StringComparison.OrdinalIgnoreCase)) ||
        string.Equals(Environment.GetEnvironmentVariable("AgentOps__Tool__Http"), "true", StringComparison.OrdinalIgnoreCase);

    // "--read-only" and "--http" alone are flags; the configuration provider wants a value after every switch.
    private static string[] NormaliseFlags(string[] args) =>
        args.Select((a, i) => s_flags.Contains(a) && (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)) ? a + "=true" : a).ToArray();
}
