using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Dsse;
using SecureContainers.Core.Signing.Keyless;

namespace SecureContainers.Core.Tests.Signing.Keyless;

/// <summary>The Rekor v1 entries proposed (as sigstore-js builds them) and the answer turned into a bundle tlog entry.</summary>
public sealed class RekorClientTests
{
    private const string Pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    private static readonly DsseEnvelope Envelope = new(DsseEnvelope.InTotoPayloadType, Convert.ToBase64String("""{"_type":"https://in-toto.io/Statement/v1"}"""u8), [new DsseSignature("", "MEUCIQ==")]);

    [Fact]
    public void AnEnvelopeIsProposedAsIntotoV002WithPayloadAndSignatureEncodedTwiceAndTheKeyBesideTheSignature()
    {
        using JsonDocument entry = JsonDocument.Parse(RekorEntries.Intoto(Envelope, Pem));
        JsonElement root = entry.RootElement;
        JsonElement content = root.GetProperty("spec").GetProperty("content");
        JsonElement signature = content.GetProperty("envelope").GetProperty("signatures")[0];

        Assert.Equal("0.0.2", root.GetProperty("apiVersion").GetString());
        Assert.Equal("intoto", root.GetProperty("kind").GetString());
        Assert.Equal(DsseEnvelope.InTotoPayloadType, content.GetProperty("envelope").GetProperty("payloadType").GetString());
        Assert.Equal(Envelope.Payload, Encoding.UTF8.GetString(Convert.FromBase64String(content.GetProperty("envelope").GetProperty("payload").GetString()!)));
        Assert.Equal("MEUCIQ==", Encoding.UTF8.GetString(Convert.FromBase64String(signature.GetProperty("sig").GetString()!)));
        Assert.Equal(Pem, Encoding.UTF8.GetString(Convert.FromBase64String(signature.GetProperty("publicKey").GetString()!)));
        Assert.False(signature.TryGetProperty("keyid", out _), "an empty keyid is left out, as Rekor drops it");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Envelope.TryDecodePayload()!)), content.GetProperty("payloadHash").GetProperty("value").GetString());
    }

    [Fact]
    public void TheIntotoEnvelopeHashIsOverTheCanonicalJsonRekorRebuilds()
    {
        // RFC 8785: members sorted, no whitespace, the PEM's newlines escaped; payload and sig base64 once, the key as plain PEM.
        string canonical = "{\"payload\":\"" + Envelope.Payload + "\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"publicKey\":\""
            + Pem.Replace("\n", "\\n", StringComparison.Ordinal) + "\",\"sig\":\"MEUCIQ==\"}]}";

        using JsonDocument entry = JsonDocument.Parse(RekorEntries.Intoto(Envelope, Pem));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))),
            entry.RootElement.GetProperty("spec").GetProperty("content").GetProperty("hash").GetProperty("value").GetString());
    }

    [Fact]
    public void AMessageSignatureIsProposedAsHashedRekordV001()
    {
        byte[] digest = SHA256.HashData("artifact"u8);
        using JsonDocument entry = JsonDocument.Parse(RekorEntries.HashedRekord(new MessageSignature("SHA2_256", digest, [1, 2, 3]), Pem));
        JsonElement spec = entry.RootElement.GetProperty("spec");

        Assert.Equal("0.0.1", entry.RootElement.GetProperty("apiVersion").GetString());
        Assert.Equal("hashedrekord", entry.RootElement.GetProperty("kind").GetString());
        Assert.Equal("sha256", spec.GetProperty("data").GetProperty("hash").GetProperty("algorithm").GetString());
        Assert.Equal(Convert.ToHexStringLower(digest), spec.GetProperty("data").GetProperty("hash").GetProperty("value").GetString());
        Assert.Equal("AQID", spec.GetProperty("signature").GetProperty("content").GetString());
        Assert.Equal(Pem, Encoding.UTF8.GetString(Convert.FromBase64String(spec.GetProperty("signature").GetProperty("publicKey").GetProperty("content").GetString()!)));
    }

    [Fact]
    public async Task TheAnswerBecomesTheBundleEntryWithPromiseProofAndTheLoggedBody()
    {
        using FakeSigstore fake = new();
        using HttpClient http = fake.Client();
        byte[] proposed = RekorEntries.Intoto(Envelope, Pem);

        TransparencyLogEntry entry = await new RekorClient(http, fake.Options).CreateEntryAsync(proposed, default);

        var request = Assert.Single(fake.Requests);
        Assert.Equal("https://rekor.test/api/v1/log/entries", request.Uri.AbsoluteUri);
        Assert.Equal(proposed, Encoding.UTF8.GetBytes(request.Body));
        Assert.Equal(4242, entry.LogIndex);
        Assert.Equal("intoto", entry.Kind);
        Assert.Equal("0.0.2", entry.KindVersion);
        Assert.Equal(32, entry.LogId.Length);
        Assert.Equal(proposed, entry.CanonicalizedBody);
        Assert.NotNull(entry.SignedEntryTimestamp);
        InclusionProof proof = Assert.IsType<InclusionProof>(entry.InclusionProof);
        Assert.Equal(1, proof.TreeSize);
        Assert.Equal(SHA256.HashData([0, .. proposed]), proof.RootHash);
        Assert.StartsWith("rekor.test - 1\n", proof.Checkpoint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusalIsSC6055WithRekorsMessage()
    {
        using FakeSigstore fake = new();
        fake.Overrides["/api/v1/log/entries"] = _ => FakeSigstore.Answer(HttpStatusCode.BadRequest, """{"code":400,"message":"entry failed validation"}""");
        using HttpClient http = fake.Client();

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() => new RekorClient(http, fake.Options).CreateEntryAsync(RekorEntries.Intoto(Envelope, Pem), default));

        Assert.Equal("SC6055", e.Diagnostic.Code);
        Assert.Contains("HTTP 400: entry failed validation", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedAnswers() => new()
    {
        { "[]", "not a JSON object" },
        { "{}", "0 entries" },
        { """{"a":{},"b":{}}""", "2 entries" },
        { """{"a":{"body":"!!","logID":"00","logIndex":1,"integratedTime":1}}""", "'body' is not base64" },
        { """{"a":{"body":"e30=","logID":"00","logIndex":1,"integratedTime":1}}""", "no 'kind' and 'apiVersion'" },
        { Entry(logId: "\"xyz\""), "'logID' is not a hex digest" },
        { Entry(logIndex: "-1"), "'logIndex' is not a non-negative integer" },
        { Entry(verification: "{}"), "neither a signed entry timestamp nor an inclusion proof" },
        { Entry(verification: """{"inclusionProof":{"logIndex":0,"treeSize":1,"rootHash":"00","hashes":[]}}"""), "'inclusionProof.checkpoint' is missing" },
    };

    [Theory]
    [MemberData(nameof(MalformedAnswers))]
    public void AnAnswerThatIsNotOneUsableEntryIsSC6056(string answer, string detail)
    {
        SecureContainerException e = Assert.Throws<SecureContainerException>(() => RekorClient.ParseAnswer(Encoding.UTF8.GetBytes(answer), "rekor.test"));

        Assert.Equal("SC6056", e.Diagnostic.Code);
        Assert.Contains(detail, e.Message, StringComparison.Ordinal);
    }

    private static string Entry(string logId = "\"00ff\"", string logIndex = "1", string verification = """{"signedEntryTimestamp":"AQID"}""")
    {
        string body = Convert.ToBase64String("""{"apiVersion":"0.0.2","kind":"intoto"}"""u8);
        return $$$"""{"uuid":{"body":"{{{body}}}","integratedTime":1700000000,"logID":{{{logId}}},"logIndex":{{{logIndex}}},"verification":{{{verification}}}}}""";
    }
}
