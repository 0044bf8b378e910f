using System.Text.Json;

namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The Notary-signed copies of <c>multi:10.0</c> that eng/testbed/notary/push-notary-fixtures.py pushed for this run
/// (<c>$SC_TEST_NOTARY_DIR/notary.json</c>): per case, the repository, the digests signed, the signature artifacts, and
/// the code a verifier must give; plus the trust policy and store (notation's formats) that trust the test root.
/// </summary>
public static class NotaryFixtures
{
    private static readonly Lazy<JsonDocument> Facts = new(() =>
    {
        string directory = Environment.GetEnvironmentVariable("SC_TEST_NOTARY_DIR") is { Length: > 0 } d
            ? d
            : throw new InvalidOperationException("SC_TEST_NOTARY_DIR is not set: run the end-to-end tests through eng/test.sh, which pushes the Notary fixtures.");
        return JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "notary.json")));
    });

    public static string TrustPolicy => Facts.Value.RootElement.GetProperty("trustPolicy").GetString()!;

    public static string TrustStore => Facts.Value.RootElement.GetProperty("trustStore").GetString()!;

    public static JsonElement Case(string name) => Facts.Value.RootElement.GetProperty("cases").GetProperty(name);

    /// <summary><c>registry/base/notary-&lt;case&gt;:10.0@&lt;index digest&gt;</c>: pinned, as Restricted requires.</summary>
    public static string Pinned(string name) => $"{Case(name).GetProperty("reference").GetString()}@{Case(name).GetProperty("index").GetString()}";

    public static string[] Properties =>
        [$"SecureContainerNotaryTrustPolicy={TrustPolicy}", $"SecureContainerNotaryTrustStore={TrustStore}"];

    /// <summary>The cases whose linux/amd64 manifest (or index) no verifier may accept, with the code each must give.</summary>
    public static TheoryData<string, string> HostileCases()
    {
        TheoryData<string, string> data = new();
        foreach (string name in new[] { "other-root", "expired-leaf", "timestamp-outside", "other-digest", "altered-header", "unknown-critical", "oversized", "flood", "index-unsigned" })
        {
            data.Add(name, name switch
            {
                "other-root" => "SC4129",
                "expired-leaf" or "timestamp-outside" => "SC4132",
                "other-digest" => "SC4127",
                "altered-header" => "SC4126",
                "unknown-critical" => "SC4124",
                "oversized" => "SC4120",
                "flood" => "SC4137",
                _ => "SC4138",
            });
        }

        return data;
    }
}
