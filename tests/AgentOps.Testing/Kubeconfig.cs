using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentOps.Testing;

/// <summary>
/// One context of a kubeconfig: a cluster at <paramref name="Server"/> and a user with a bearer token. For an
/// <c>https</c> server, <paramref name="CertificateAuthorityPem"/> is the CA that signed its certificate.
/// </summary>
public sealed record KubeconfigContext(string Name, string Server, string Token, string? Namespace = null, string? CertificateAuthorityPem = null);

/// <summary>
/// Writes kubeconfig files (<c>clusters</c>, <c>users</c>, <c>contexts</c>, <c>current-context</c>, token auth) that
/// KubernetesClient, kubectl and other client-go programs accept.
/// </summary>
public static class Kubeconfig
{
    public static void Write(string path, IReadOnlyList<KubeconfigContext> contexts, string currentContext)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(contexts);
        if (!contexts.Any(c => c.Name == currentContext))
        {
            throw new ArgumentException($"No context named '{currentContext}'.", nameof(currentContext));
        }
        var yaml = new StringBuilder()
            .AppendLine("apiVersion: v1")
            .AppendLine("kind: Config")
            .AppendLine("preferences: {}")
            .AppendLine("clusters:");
        foreach (var context in contexts)
        {
            yaml.AppendLine($"- name: {Quote(context.Name)}")
                .AppendLine("  cluster:")
                .AppendLine($"    server: {Quote(context.Server)}");
            if (context.CertificateAuthorityPem is { Length: > 0 } pem)
            {
                yaml.AppendLine($"    certificate-authority-data: {Convert.ToBase64String(Encoding.UTF8.GetBytes(pem))}");
            }
        }
        yaml.AppendLine("users:");
        foreach (var context in contexts)
        {
            yaml.AppendLine($"- name: {Quote(context.Name + "-user")}")
                .AppendLine("  user:")
                .AppendLine($"    token: {Quote(context.Token)}");
        }
        yaml.AppendLine("contexts:");
        foreach (var context in contexts)
        {
            yaml.AppendLine($"- name: {Quote(context.Name)}")
                .AppendLine("  context:")
                .AppendLine($"    cluster: {Quote(context.Name)}")
                .AppendLine($"    user: {Quote(context.Name + "-user")}");
            if (context.Namespace is not null)
            {
                yaml.AppendLine($"    namespace: {Quote(context.Namespace)}");
            }
        }
        yaml.AppendLine($"current-context: {Quote(currentContext)}");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        File.WriteAllText(path, yaml.ToString());
    }

    /// <summary>
    /// A loopback URL on which nothing listens: the port was just free and is closed again, so a connection is
    /// refused at once rather than timing out. Use it for "API server unreachable" tests.
    /// </summary>
    public static string UnreachableServer()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"https://127.0.0.1:{port}";
    }

    // Double-quoted YAML scalars: names and tokens are written exactly, whatever they contain.
    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
