using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>
/// Decodes a COSE_Sign1_Tagged Notary envelope (signature-envelope-cose.md) and checks its header profile. Hostile
/// input yields a coded reason, never an exception.
/// </summary>
internal static class CoseEnvelopeReader
{
    internal const string SigningSchemeLabel = "io.cncf.notary.signingScheme";
    internal const string SigningTimeLabel = "io.cncf.notary.signingTime";
    internal const string AuthenticSigningTimeLabel = "io.cncf.notary.authenticSigningTime";
    internal const string ExpiryLabel = "io.cncf.notary.expiry";
    internal const string TimestampLabel = "io.cncf.notary.timestampSignature";

    private static readonly CoseHeaderLabel X5Chain = new(33);

    // The critical headers the spec defines; anything else listed in crit must be refused.
    private static readonly HashSet<string> UnderstoodCritical = [SigningSchemeLabel, AuthenticSigningTimeLabel, ExpiryLabel];

    /// <summary>Decodes <paramref name="envelope"/>; on failure <paramref name="reason"/> says why and null is returned.</summary>
    public static NotaryEnvelope? Read(byte[] envelope, int maxChainLength, out Diagnostic? reason)
    {
        reason = null;
        if (envelope.Length == 0 || envelope[0] != 0xD2)
        {
            reason = NotaryDiagnostics.EnvelopeMalformed.Create("it does not start with the COSE_Sign1 tag 18");
            return null;
        }

        CoseSign1Message message;
        try
        {
            message = CoseMessage.DecodeSign1(envelope);
        }
        catch (CryptographicException e)
        {
            reason = NotaryDiagnostics.EnvelopeMalformed.Create($"COSE decoding failed ({e.Message})");
            return null;
        }

        if (message.Content is not { } content)
        {
            reason = NotaryDiagnostics.EnvelopeMalformed.Create("the payload is detached; Notary envelopes embed it");
            return null;
        }

        try
        {
            return ReadHeaders(message, content.ToArray(), maxChainLength, out reason);
        }
        catch (Exception e) when (e is InvalidOperationException or CborContentException or FormatException or CryptographicException or OverflowException)
        {
            // A header of the wrong CBOR type: GetValueAs* and CborReader throw these.
            reason = NotaryDiagnostics.EnvelopeMalformed.Create($"a header has the wrong type ({e.Message})");
            return null;
        }
    }

    private static NotaryEnvelope? ReadHeaders(CoseSign1Message message, byte[] payload, int maxChainLength, out Diagnostic? reason)
    {
        reason = null;
        CoseHeaderMap prot = message.ProtectedHeaders;

        if (!prot.TryGetValue(CoseHeaderLabel.CriticalHeaders, out CoseHeaderValue critValue))
        {
            reason = NotaryDiagnostics.HeaderInvalid.Create("crit (label 2)", "it is missing");
            return null;
        }

        List<string> critical = ReadCritical(critValue);
        foreach (string label in critical)
        {
            if (!UnderstoodCritical.Contains(label))
            {
                reason = NotaryDiagnostics.CriticalHeaderUnknown.Create(label);
                return null;
            }
        }

        if (!critical.Contains(SigningSchemeLabel))
        {
            reason = NotaryDiagnostics.HeaderInvalid.Create("crit (label 2)", $"it does not list {SigningSchemeLabel}");
            return null;
        }

        if (!prot.TryGetValue(CoseHeaderLabel.Algorithm, out CoseHeaderValue algValue))
        {
            reason = NotaryDiagnostics.HeaderInvalid.Create("alg (label 1)", "it is missing");
            return null;
        }

        int alg = algValue.GetValueAsInt32();

        string? contentType = prot.TryGetValue(CoseHeaderLabel.ContentType, out CoseHeaderValue ct) ? ct.GetValueAsString() : null;
        if (contentType != NotaryEnvelope.PayloadContentType)
        {
            reason = NotaryDiagnostics.HeaderInvalid.Create("content type (label 3)", $"it is '{contentType ?? "(missing)"}', not {NotaryEnvelope.PayloadContentType}");
            return null;
        }

        string? scheme = prot.TryGetValue(new CoseHeaderLabel(SigningSchemeLabel), out CoseHeaderValue s) ? s.GetValueAsString() : null;
        if (scheme is not (NotaryEnvelope.SchemeX509 or NotaryEnvelope.SchemeSigningAuthority))
        {
            reason = NotaryDiagnostics.HeaderInvalid.Create(SigningSchemeLabel, $"it is '{scheme ?? "(missing)"}', not notary.x509 or notary.x509.signingAuthority");
            return null;
        }

        DateTimeOffset? signingTime = ReadTime(prot, SigningTimeLabel);
        DateTimeOffset? authenticTime = ReadTime(prot, AuthenticSigningTimeLabel);
        DateTimeOffset? expiry = ReadTime(prot, ExpiryLabel);
        if (scheme == NotaryEnvelope.SchemeX509 && signingTime is null)
        {
            reason = NotaryDiagnostics.HeaderInvalid.Create(SigningTimeLabel, "it is required under notary.x509 and missing");
            return null;
        }

        if (scheme == NotaryEnvelope.SchemeSigningAuthority && (authenticTime is null || !critical.Contains(AuthenticSigningTimeLabel)))
        {
            reason = NotaryDiagnostics.HeaderInvalid.Create(AuthenticSigningTimeLabel, "it is required (and critical) under notary.x509.signingAuthority");
            return null;
        }

        if (expiry is not null && !critical.Contains(ExpiryLabel))
        {
            reason = NotaryDiagnostics.HeaderInvalid.Create(ExpiryLabel, "it is present but not listed in crit");
            return null;
        }

        // x5chain belongs in the unprotected headers; the spec also allows it protected.
        CoseHeaderValue chainValue;
        if (!message.UnprotectedHeaders.TryGetValue(X5Chain, out chainValue) && !prot.TryGetValue(X5Chain, out chainValue))
        {
            reason = NotaryDiagnostics.CertificateChainInvalid.Create("is missing");
            return null;
        }

        List<byte[]> ders = ReadByteStrings(chainValue.EncodedValue, maxChainLength + 1);
        if (ders.Count == 0)
        {
            reason = NotaryDiagnostics.CertificateChainInvalid.Create("is empty");
            return null;
        }

        if (ders.Count > maxChainLength)
        {
            reason = NotaryDiagnostics.ChainTooLong.Create($"more than {maxChainLength}", maxChainLength);
            return null;
        }

        var chain = new List<X509Certificate2>();
        foreach (byte[] der in ders)
        {
            try
            {
                X509Certificate2 cert = X509CertificateLoader.LoadCertificate(der);
                // The loader parses lazily; touch what the checks read so a corrupt field fails here, with a reason.
                _ = (cert.NotBefore, cert.NotAfter, cert.Subject, cert.Extensions.Count, cert.PublicKey.Oid.Value);
                chain.Add(cert);
            }
            catch (CryptographicException e)
            {
                reason = NotaryDiagnostics.CertificateChainInvalid.Create($"holds a certificate that cannot be read ({e.Message})");
                return null;
            }
        }

        byte[]? token = message.UnprotectedHeaders.TryGetValue(new CoseHeaderLabel(TimestampLabel), out CoseHeaderValue ts)
            ? ts.GetValueAsBytes()
            : null;

        return new NotaryEnvelope(AlgorithmName(alg), message.Signature.ToArray(), key => message.VerifyEmbedded(key), scheme, signingTime,
            authenticTime, expiry, chain, token, payload);
    }

    private static string AlgorithmName(int alg) => alg switch
    {
        -37 => "PS256", -38 => "PS384", -39 => "PS512", -7 => "ES256", -35 => "ES384", -36 => "ES512",
        _ => $"COSE alg {alg}",
    };

    private static List<string> ReadCritical(CoseHeaderValue value)
    {
        var reader = new CborReader(value.EncodedValue);
        reader.ReadStartArray();
        var labels = new List<string>();
        while (reader.PeekState() != CborReaderState.EndArray)
        {
            labels.Add(reader.PeekState() == CborReaderState.TextString ? reader.ReadTextString() : reader.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (labels.Count > 64)
            {
                throw new FormatException("crit lists more than 64 labels");
            }
        }

        reader.ReadEndArray();
        return labels;
    }

    // Epoch-based date/time (RFC 8949 tag 1); fractional seconds are allowed by CBOR though the spec discourages them.
    private static DateTimeOffset? ReadTime(CoseHeaderMap map, string label)
    {
        if (!map.TryGetValue(new CoseHeaderLabel(label), out CoseHeaderValue value))
        {
            return null;
        }

        var reader = new CborReader(value.EncodedValue);
        if (reader.ReadTag() != CborTag.UnixTimeSeconds)
        {
            throw new FormatException($"{label} is not an epoch date/time (tag 1)");
        }

        double seconds = reader.PeekState() switch
        {
            CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger => reader.ReadInt64(),
            _ => reader.ReadDouble(),
        };
        if (seconds is < -62135596800 or > 253402300799 || double.IsNaN(seconds))
        {
            throw new FormatException($"{label} is out of range");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
    }

    // x5chain is an array of bstr, or one bstr when the chain has a single certificate.
    private static List<byte[]> ReadByteStrings(ReadOnlyMemory<byte> encoded, int limit)
    {
        var reader = new CborReader(encoded);
        if (reader.PeekState() == CborReaderState.ByteString)
        {
            return [reader.ReadByteString()];
        }

        reader.ReadStartArray();
        var items = new List<byte[]>();
        while (reader.PeekState() != CborReaderState.EndArray && items.Count < limit)
        {
            items.Add(reader.ReadByteString());
        }

        return items;
    }
}
