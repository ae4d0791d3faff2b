using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AgentOps.Testing;

public sealed partial class FakeKubernetesApi
{
    private const string PfxPassword = "fake-kubernetes-api";

    /// <summary>
    /// The PEM of the throw-away CA that signed this server's certificate; kubeconfigs carry it as
    /// <c>certificate-authority-data</c>. The fake speaks HTTPS because client-go (kubectl and every Go client)
    /// only sends a kubeconfig's bearer token over TLS.
    /// </summary>
    public string CertificateAuthorityPem { get; private set; } = string.Empty;

    // A CA and an EC leaf for 127.0.0.1 signed by it, valid for a day, so clients verify the chain the ordinary way
    // with nothing turned off. The leaf goes to WireMock as a PKCS#12 file: handed over as an object, WireMock
    // serialises it with its settings and X509Certificate2.PrivateKey throws for EC keys (and RSA key generation
    // costs a second on a slow machine).
    private string CreateServerCertificate(string pfxPath)
    {
        // Real time whatever the fake's clock says: the clients check validity against theirs.
        var now = TimeProvider.System.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=agentops-fake-kubernetes-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        CertificateAuthorityPem = ca.ExportCertificatePem();

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=127.0.0.1", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var leaf = leafRequest.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddMinutes(-5), now.AddHours(23), serial);
        using var withKey = leaf.CopyWithPrivateKey(leafKey);
        File.WriteAllBytes(pfxPath, withKey.Export(X509ContentType.Pkcs12, PfxPassword));
        return pfxPath;
    }
}
