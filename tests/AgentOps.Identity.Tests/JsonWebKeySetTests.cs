using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace AgentOps.Identity.Tests;

public sealed class JsonWebKeySetTests
{
    [Fact]
    public void Parse_P256AndRsaKeys_KeepsOnlyP256()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var json = Jwks(Jwk(ec, "ec-1"), new JsonObject { ["kty"] = "RSA", ["kid"] = "rsa-1", ["n"] = "AQAB", ["e"] = "AQAB" });

        using var sut = JsonWebKeySet.Parse(json);

        Assert.True(sut.TryGetKey("ec-1", out var key));
        Assert.Equal(256, key.KeySize);
        Assert.False(sut.TryGetKey("rsa-1", out _));
        Assert.Equal(["ec-1"], sut.KeyIds);
    }

    [Fact]
    public void Parse_P384Key_Skipped()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var jwk = Jwk(ec, "p384");
        jwk["crv"] = "P-384";

        using var sut = JsonWebKeySet.Parse(Jwks(jwk));

        Assert.False(sut.TryGetKey("p384", out _));
    }

    [Fact]
    public void Parse_PrivateMemberD_Throws()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = Jwk(ec, "leaky");
        jwk["d"] = IdentityTestContext.Encode(ec.ExportParameters(true).D!);

        var ex = Assert.Throws<FormatException>(() => JsonWebKeySet.Parse(Jwks(jwk)));

        Assert.Contains("'d'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PointNotOnCurve_Throws()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = Jwk(ec, "off-curve");
        var y = ec.ExportParameters(false).Q.Y!;
        y[^1] ^= 1;
        jwk["y"] = IdentityTestContext.Encode(y);

        var ex = Assert.Throws<FormatException>(() => JsonWebKeySet.Parse(Jwks(jwk)));

        Assert.Contains("not a valid P-256 public key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKid_Throws()
    {
        using var a = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var b = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var ex = Assert.Throws<FormatException>(() => JsonWebKeySet.Parse(Jwks(Jwk(a, "same"), Jwk(b, "same"))));

        Assert.Contains("'same'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKeysMember_Throws()
    {
        var ex = Assert.Throws<FormatException>(() => JsonWebKeySet.Parse("""{"keys":[],"keys":[]}"""));

        Assert.Contains("repeats the member name 'keys'", ex.Message, StringComparison.Ordinal);
    }

    private static JsonObject Jwk(ECDsa key, string kid)
    {
        var parameters = key.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = IdentityTestContext.Encode(parameters.Q.X!),
            ["y"] = IdentityTestContext.Encode(parameters.Q.Y!),
            ["kid"] = kid,
        };
    }

    private static string Jwks(params JsonObject[] keys) => new JsonObject { ["keys"] = new JsonArray(keys) }.ToJsonString();
}
