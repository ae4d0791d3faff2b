using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentOps.Core;

namespace AgentOps.Storage.Tests;

/// <summary>
/// The direct canonical writer and the one-pass column parsers are shortcuts: they must give exactly what the
/// JsonNode definitions (<see cref="AuditRecordJson.ToJson"/> through <see cref="CanonicalJson"/>) give.
/// </summary>
public sealed class AuditRecordJsonTests
{
    public static TheoryData<string> AwkwardStrings => new()
    {
        "plain",
        "",
        "quote \" backslash \\ slash / tab \t newline \n nul \u0000 bell \u0007",
        "<script>&amp;'single'</script>",
        "ünïcödé — “quotes” 日本語 emoji 😀",
        "line separator \u2028 paragraph \u2029 bom \uFEFF",
        new string('x', 3000),
    };

    [Theory]
    [MemberData(nameof(AwkwardStrings))]
    public void CanonicalBytes_AnyStrings_AreTheBytesOfTheJsonNodeDefinition(string text)
    {
        foreach (var record in Records(text))
        {
            foreach (var includeHash in new[] { false, true })
            {
                var reference = CanonicalJson.Serialize(AuditRecordJson.ToJson(record, includeHash));
                Assert.Equal(reference, Encoding.UTF8.GetString(AuditRecordJson.CanonicalBytes(record, includeHash)));
            }
            var referenceHash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
                CanonicalJson.Serialize(AuditRecordJson.ToJson(record, includeHash: false)))));
            Assert.Equal(referenceHash, AuditRecordJson.ComputeHash(record));
            Assert.True(AuditRecordJson.HashMatches(record with { Hash = referenceHash }));
            Assert.False(AuditRecordJson.HashMatches(record with { Hash = referenceHash.ToUpperInvariant() }));
            Assert.False(AuditRecordJson.HashMatches(record with { Hash = referenceHash[..^1] }));
            Assert.False(AuditRecordJson.HashMatches(record with { Hash = referenceHash[..^1] + (referenceHash[^1] == '0' ? '1' : '0') }));
            Assert.Equal(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(AuditRecordJson.ToJson(record, includeHash: true))), AuditRecordJson.LeafBytes(record));
            var json = AuditRecordJson.ToJson(record, includeHash: false);
            Assert.Equal(CanonicalJson.Serialize(json["decisions"]), AuditRecordJson.SerializeDecisions(record.Decisions));
            Assert.Equal(CanonicalJson.Serialize(json["delegation_chain"]), AuditRecordJson.SerializeDelegationChain(record.DelegationChain));
        }
    }

    [Theory]
    [MemberData(nameof(AwkwardStrings))]
    public void RawHashMatches_ColumnsAsStored_AgreesWithTheRecordHash(string text)
    {
        foreach (var record in Records(text).Where(r => r.DelegationChain.Count > 0 && r.Decisions.All(d => Enum.IsDefined(d.Verdict))))
        {
            var hashed = record with { Time = record.Time.ToUniversalTime(), Hash = AuditRecordJson.ComputeHash(record) };
            byte[] U(string value) => Encoding.UTF8.GetBytes(value);
            bool Matches(AuditRecord r, string? time = null) => AuditRecordJson.RawHashMatches(new RawAuditRow
            {
                Sequence = r.Sequence,
                Time = U(time ?? r.Time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
                RunId = U(r.RunId),
                Actor = U(r.Actor),
                DelegationChain = U(AuditRecordJson.SerializeDelegationChain(r.DelegationChain)),
                Action = U(r.Action),
                ArgumentDigest = U(r.ArgumentDigest),
                Decisions = U(AuditRecordJson.SerializeDecisions(r.Decisions)),
                Outcome = U(r.Outcome),
                ResultDigest = r.ResultDigest is null ? default : U(r.ResultDigest),
                ResultDigestIsNull = r.ResultDigest is null,
                PrevHash = U(r.PrevHash),
                Hash = U(r.Hash),
            });

            // Declined, so that the record path decides: NUL in a column. Every other intact row is accepted, escaped
            // strings in the JSON columns included: those columns are hashed as stored, and stored as canonical.
            Assert.Equal(!text.Contains('\0', StringComparison.Ordinal), Matches(hashed));
            Assert.True(AuditRecordJson.HashMatches(hashed));
            Assert.False(Matches(hashed with { Outcome = "denied" }));
            Assert.False(Matches(hashed with { Sequence = hashed.Sequence + 1 }));
            Assert.False(Matches(hashed, time: "2025-03-01T07:30:00.1234567+00:00"));
        }
    }

    [Fact]
    public void RawHashMatches_JsonColumnStoredInAnotherSpelling_IsDeclined_AndTheRecordPathStillAcceptsIt()
    {
        var record = Records("plain").First(r => r.DelegationChain.Count > 0);
        var hashed = record with { Time = record.Time.ToUniversalTime(), Hash = AuditRecordJson.ComputeHash(record) };
        var canonical = AuditRecordJson.SerializeDecisions(hashed.Decisions);
        // Same decisions, with spaces and the members of the first decision in another order: what an older writer or a
        // hand edit could leave. The raw path hashes the stored bytes, so it must say no and leave the row to the record path.
        var respelled = " " + canonical.Replace(",", " , ", StringComparison.Ordinal);
        Assert.Equal(hashed.Decisions, AuditRecordJson.ParseDecisions(respelled));
        byte[] U(string value) => Encoding.UTF8.GetBytes(value);
        var row = new RawAuditRow
        {
            Sequence = hashed.Sequence,
            Time = U(hashed.Time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            RunId = U(hashed.RunId),
            Actor = U(hashed.Actor),
            DelegationChain = U(AuditRecordJson.SerializeDelegationChain(hashed.DelegationChain)),
            Action = U(hashed.Action),
            ArgumentDigest = U(hashed.ArgumentDigest),
            Decisions = U(respelled),
            Outcome = U(hashed.Outcome),
            ResultDigest = hashed.ResultDigest is null ? default : U(hashed.ResultDigest),
            ResultDigestIsNull = hashed.ResultDigest is null,
            PrevHash = U(hashed.PrevHash),
            Hash = U(hashed.Hash),
        };

        Assert.False(AuditRecordJson.RawHashMatches(row));
        Assert.True(AuditRecordJson.RawHashMatches(row with { Decisions = U(canonical) }));
        Assert.True(AuditRecordJson.HashMatches(hashed with { Decisions = AuditRecordJson.ParseDecisions(respelled) }));
    }

    [Theory]
    [MemberData(nameof(AwkwardStrings))]
    public void ParseColumns_WhatSerializeWrote_RoundTrips(string text)
    {
        IReadOnlyList<LayerDecision> decisions = [new("L1", Verdict.Allow, text, "r"), new(text, Verdict.Pause, "p", text), new("L3", Verdict.Deny, "d", "")];
        IReadOnlyList<string> chain = [text, "agent", text];

        Assert.Equal(decisions, AuditRecordJson.ParseDecisions(AuditRecordJson.SerializeDecisions(decisions)));
        Assert.Equal(chain, AuditRecordJson.ParseDelegationChain(AuditRecordJson.SerializeDelegationChain(chain)));
    }

    [Theory]
    [InlineData("""[ { "verdict" : "Allow", "layer":"L1", "rule":"r", "reason":"x" } ]""")] // spacing and member order
    [InlineData("""[{"l\u0061yer":"L1","verdict":"\u0041llow","rule":"r","reason":"x"}]""")] // escapes
    [InlineData("""[{"layer":"L1","verdict":"Allow","rule":"r","reason":"x","extra":[1,{"a":2}]}]""")] // an unknown member, ignored as before
    public void ParseDecisions_EquivalentSpellings_GiveTheSameDecision(string json) =>
        Assert.Equal([new LayerDecision("L1", Verdict.Allow, "r", "x")], AuditRecordJson.ParseDecisions(json));

    [Theory]
    [InlineData("nothing to see", typeof(JsonException))]
    [InlineData("""{"layer":"L1"}""", typeof(JsonException))]
    [InlineData("""[{"layer":"L1","verdict":"allow","rule":"r","reason":"x"}]""", typeof(JsonException))]
    [InlineData("""[{"layer":"L1","verdict":"1","rule":"r","reason":"x"}]""", typeof(JsonException))]
    [InlineData("""[{"layer":"L1","verdict":"Allow","rule":"r"}]""", typeof(JsonException))]
    [InlineData("""[{"layer":1,"verdict":"Allow","rule":"r","reason":"x"}]""", typeof(InvalidOperationException))]
    [InlineData("""[{"layer":"L1","verdict":"Allow","rule":"r","reason":"x"}] trailing""", typeof(JsonException))]
    [InlineData("""[{"layer":"L1","verdict":"Allow","rule":"r","reason":"x"},]""", typeof(JsonException))]
    public void ParseDecisions_Unreadable_ThrowsAsTheJsonNodeParserDoes(string json, Type expected) =>
        Assert.IsAssignableFrom(expected, Record.Exception(() => AuditRecordJson.ParseDecisions(json)));

    [Theory]
    [InlineData("""["a", null]""")]
    [InlineData("""["a", 1]""")]
    [InlineData("""{"a":"b"}""")]
    [InlineData("not json")]
    public void ParseDelegationChain_Unreadable_Throws(string json) =>
        Assert.NotNull(Record.Exception(() => AuditRecordJson.ParseDelegationChain(json)));

    private static IEnumerable<AuditRecord> Records(string text)
    {
        var baseRecord = new AuditRecord(
            Sequence: 42,
            Time: new DateTimeOffset(2025, 3, 1, 9, 30, 0, 123, TimeSpan.FromHours(2)).AddTicks(4567),
            RunId: text,
            Actor: "agent:" + text,
            DelegationChain: ["user:alice", text],
            Action: "git.files_write",
            ArgumentDigest: "sha256:" + text,
            Decisions: [new LayerDecision("L1.input", Verdict.Allow, text, "reason " + text), new LayerDecision("L3", Verdict.Pause, "r", text)],
            Outcome: "executed",
            ResultDigest: null,
            PrevHash: "sha256:" + new string('a', 64),
            Hash: "sha256:" + new string('b', 64));
        yield return baseRecord;
        yield return baseRecord with { ResultDigest = text, Sequence = long.MaxValue, DelegationChain = [], Decisions = [] };
        yield return baseRecord with { Decisions = [new LayerDecision(text, (Verdict)7, text, text)], Sequence = -1 };
    }
}
