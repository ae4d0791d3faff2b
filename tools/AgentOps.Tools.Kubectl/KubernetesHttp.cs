using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;

namespace AgentOps.Tools.Kubectl;

/// <summary>
/// The HTTP client for an API server, from a KubernetesClient configuration (kubeconfig and context, or in-cluster):
/// the cluster's CA, a client certificate, and the user's bearer token, token provider (in-cluster token file, exec
/// plugins) or basic credentials. KubernetesClient reads and resolves the configuration; the requests are ours,
/// because its typed client roots the serializer metadata of every Kubernetes model, which doubled the Native AOT
/// binary and added about 100 ms to every cold start.
/// </summary>
internal static class KubernetesHttp
{
    public static HttpClient CreateClient(KubernetesClientConfiguration config, TimeSpan timeout, string userAgent)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrWhiteSpace(config.Host) || !Uri.TryCreate(config.Host.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress))
        {
            throw new InvalidOperationException($"the configuration names no usable API server address ('{config.Host}')");
        }
        var transport = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = TlsOptions(config),
        };
        HttpMessageHandler handler = new CredentialsHandler(config) { InnerHandler = transport };
        var client = new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = timeout };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    private static SslClientAuthenticationOptions TlsOptions(KubernetesClientConfiguration config)
    {
        var options = new SslClientAuthenticationOptions();
        if (!string.IsNullOrEmpty(config.TlsServerName))
        {
            options.TargetHost = config.TlsServerName;
        }
        if (ClientCertificate(config) is { } certificate)
        {
            options.ClientCertificates = [certificate];
        }
        if (config.SkipTlsVerify)
        {
            // The kubeconfig says insecure-skip-tls-verify: its owner chose it, as kubectl would honour it.
            options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (config.SslCaCerts is { Count: > 0 } authorities)
        {
            options.RemoteCertificateValidationCallback = (_, certificate, _, errors) => IssuedByClusterAuthority(certificate, errors, authorities);
        }
        return options;
    }

    // The cluster's own CA is the only root: a certificate from a public CA, or for another name, is refused.
    private static bool IssuedByClusterAuthority(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    }

    private static X509Certificate2? ClientCertificate(KubernetesClientConfiguration config)
    {
        var certificate = Pem(config.ClientCertificateData, config.ClientCertificateFilePath);
        var key = Pem(config.ClientCertificateKeyData, config.ClientKeyFilePath);
        if (certificate is null || key is null)
        {
            return null;
        }
        using var ephemeral = X509Certificate2.CreateFromPem(certificate, key);
        // SslStream needs the key in a form it can hand to the TLS layer; a PKCS#12 round trip gives it one.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), password: null);
    }

    private static string? Pem(string? base64Data, string? filePath) =>
        !string.IsNullOrEmpty(base64Data) ? Encoding.UTF8.GetString(Convert.FromBase64String(base64Data))
        : !string.IsNullOrEmpty(filePath) ? File.ReadAllText(filePath)
        : null;

    /// <summary>Adds the user's credentials to each request: a token provider's current token, a bearer token, or basic.</summary>
    private sealed class CredentialsHandler(KubernetesClientConfiguration config) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (config.TokenProvider is { } provider)
            {
                request.Headers.Authorization = await provider.GetAuthenticationHeaderAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (!string.IsNullOrEmpty(config.AccessToken))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", config.AccessToken);
            }
            else if (!string.IsNullOrEmpty(config.Username))
            {
                var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{config.Username}:{config.Password}"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
            }
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
