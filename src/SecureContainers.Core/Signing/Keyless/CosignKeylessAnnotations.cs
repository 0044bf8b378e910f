using System.Security.Cryptography;
using SecureContainers.Core.Signing.Bundles;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>
/// The annotations cosign's legacy layout puts on a keyless signature layer (<c>sha256-&lt;hex&gt;.sig</c>), for readers
/// of that layout (Kyverno, policy-controller, podman): the Fulcio leaf and chain as PEM, and the Rekor entry as cosign's
/// <c>RekorBundle</c> JSON – <c>{"SignedEntryTimestamp":…,"Payload":{"body":…,"integratedTime":…,"logIndex":…,"logID":…}}</c>
/// (cosign <c>pkg/cosign/bundle/rekor.go</c>, <c>pkg/oci/static/options.go</c>). The entry is the hashedrekord of the
/// simple-signing payload's signature, which <see cref="KeylessSession.WitnessAsync"/> logs for a message signature.
/// </summary>
public static class CosignKeylessAnnotations
{
    public const string Certificate = "dev.sigstore.cosign/certificate";
    public const string Chain = "dev.sigstore.cosign/chain";
    public const string Bundle = "dev.sigstore.cosign/bundle";

    public static IReadOnlyDictionary<string, string> For(FulcioCertificate certificate, TransparencyLogEntry entry)
    {
        if (entry.SignedEntryTimestamp is not byte[] set)
        {
            // cosign's legacy verification checks the SET; an entry with only a proof cannot be expressed in this layout.
            throw new ArgumentException("the legacy layout needs the entry's signed entry timestamp", nameof(entry));
        }

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Certificate] = certificate.LeafPem,
            [Chain] = string.Concat(certificate.Chain.Select(c => PemEncoding.WriteString("CERTIFICATE", c) + "\n")),
            [Bundle] = System.Text.Encoding.UTF8.GetString(SigningJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteBase64String("SignedEntryTimestamp", set);
                w.WriteStartObject("Payload");
                w.WriteBase64String("body", entry.CanonicalizedBody);
                w.WriteNumber("integratedTime", entry.IntegratedTime);
                w.WriteNumber("logIndex", entry.LogIndex);
                w.WriteString("logID", Convert.ToHexStringLower(entry.LogId));
                w.WriteEndObject();
                w.WriteEndObject();
            })),
        };
    }
}
