using System.ComponentModel.DataAnnotations;
using AgentOps.Identity;
using AgentOps.Storage;
using Microsoft.Extensions.Configuration;

namespace AgentOps.Cli;

/// <summary>
/// Signed audit checkpoints as the CLI makes them: signed with the broker's key under <c>&lt;data&gt;/keys</c>, kept in
/// <c>&lt;data&gt;/audit-checkpoints.jsonl</c> beside the database, trusted through the broker's JWKS, and due every
/// <c>AgentOps:Audit:Checkpoints:Interval</c> records (default 100).
/// </summary>
internal sealed class AuditCheckpointSetup : IDisposable
{
    public const string FileName = "audit-checkpoints.jsonl";

    private AuditCheckpointSetup(AuditCheckpointing checkpointing) => Checkpointing = checkpointing;

    public AuditCheckpointing Checkpointing { get; }

    public static AuditCheckpointSetup Create(AgentOpsRuntime runtime, IConfiguration configuration) =>
        Create(runtime, Options(configuration).Interval);

    public static AuditCheckpointSetup Create(AgentOpsRuntime runtime, int interval)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var signer = AuditCheckpointSigner.FromKeyStore(runtime.Keys);
        try
        {
            return new AuditCheckpointSetup(new AuditCheckpointing(signer, Store(runtime.Paths), JsonWebKeySet.Parse(runtime.Keys.JwksJson), interval));
        }
        catch
        {
            signer.Dispose();
            throw;
        }
    }

    public static AuditCheckpointLog Store(RuntimePaths paths) => new(Path.Combine(paths.DataDirectory, FileName));

    /// <summary>The broker's published keys, which the CLI trusts for checkpoints, as a path for offline verification.</summary>
    public static string JwksPath(RuntimePaths paths) => Path.Combine(paths.DataDirectory, "keys", SigningKeyStore.JwksFileName);

    public static AuditCheckpointOptions Options(IConfiguration configuration)
    {
        var options = configuration.GetSection(AuditCheckpointOptions.SectionName).Get<AuditCheckpointOptions>() ?? new AuditCheckpointOptions();
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            throw new ArgumentException($"{AuditCheckpointOptions.SectionName}: {string.Join("; ", problems.Select(p => p.ErrorMessage))}");
        }
        return options;
    }

    public void Dispose()
    {
        Checkpointing.Signer.Dispose();
        Checkpointing.TrustedKeys.Dispose();
    }
}
