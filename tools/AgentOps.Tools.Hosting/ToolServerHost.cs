using AgentOps.Identity;
using AgentOps.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentOps.Tools.Hosting;

/// <summary>The shared start-up of every AgentOps tool server: configuration, stderr logging, credential checks, stdio.</summary>
public static class ToolServerHost
{
    private static readonly Dictionary<string, string> s_switches = new(StringComparer.Ordinal)
    {
        ["--jwks"] = "AgentOps:Tool:Jwks",
        ["--server-id"] = "AgentOps:Tool:ServerId",
        ["--issuer"] = "AgentOps:Tool:Issuer",
        ["--read-only"] = "AgentOps:Tool:ReadOnly",
        ["--data-dir"] = "AgentOps:DataDirectory",
    };

    /// <summary>Creates the host builder. Logs go to stderr because stdout carries the protocol.</summary>
    public static HostApplicationBuilder CreateBuilder(string[] args, string defaultServerId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = false });
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create<string, string?>("AgentOps:Tool:ServerId", defaultServerId)]);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(NormaliseFlags(args), s_switches);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The SDK logs whole messages at Trace, and a tools/call message carries the delegated token in _meta.
        // Whatever the configuration asks for, that category never goes below Information.
        builder.Logging.AddFilter("ModelContextProtocol", LogLevel.Information);
        return builder;
    }

    /// <summary>
    /// Opens the shared state file under <c>--data-dir</c> and remembers presented token ids there, so a token is
    /// single-use across server processes, not just within one.
    /// </summary>
    public static async Task<SqliteDatabase> UseSharedStateAsync(HostApplicationBuilder builder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var dataDirectory = builder.Configuration["AgentOps:DataDirectory"]
            ?? throw new InvalidOperationException("Set --data-dir (or AgentOps__DataDirectory): tool servers keep shared state there, including used token ids.");
        var database = await SqliteDatabase.OpenAsync(Path.Combine(dataDirectory, "agentops.db"), cancellationToken).ConfigureAwait(false);
        builder.Services.AddSingleton<IReplayCache>(sp => new PersistentReplayCache(new SqliteUsedCredentials(database, sp.GetRequiredService<TimeProvider>())));
        return database;
    }

    /// <summary>Registers the credential filter with its verifier, and the MCP server over stdio.</summary>
    public static IMcpServerBuilder AddAgentOpsToolServer<TScopes>(this IServiceCollection services, IConfiguration configuration, string name, string version)
        where TScopes : class, IToolScopeResolver
    {
        services.AddOptions<ToolServerOptions>().Bind(configuration.GetSection(ToolServerOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ServerId), "AgentOps:Tool:ServerId (--server-id) is required.")
            .Validate(o => File.Exists(o.Jwks), "AgentOps:Tool:Jwks (--jwks) must name the issuer's JWKS file; a tool server never runs without one.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ToolServerOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IToolScopeResolver, TScopes>();
        services.TryAddSingleton<IReplayCache>(sp => new InMemoryReplayCache(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<ToolServerOptions>();
            return new DelegatedTokenVerifier(
                JsonWebKeySet.Load(options.Jwks),
                new VerifierOptions { Issuer = options.Issuer },
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IReplayCache>());
        });
        services.TryAddSingleton<CredentialFilter>();

        return services
            .AddMcpServer(o => o.ServerInfo = new() { Name = name, Version = version })
            .WithStdioServerTransport()
            .WithRequestFilters(filters => filters.AddCallToolFilter(next => (context, cancellationToken) =>
                context.Services!.GetRequiredService<CredentialFilter>().InvokeAsync(context, next, cancellationToken)));
    }

    // "--read-only" alone is a flag; the configuration provider wants a value after every switch.
    private static string[] NormaliseFlags(string[] args) =>
        args.Select((a, i) => a == "--read-only" && (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)) ? "--read-only=true" : a).ToArray();
}
