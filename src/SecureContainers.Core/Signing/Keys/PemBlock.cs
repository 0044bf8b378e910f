using System.Security.Cryptography;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Keys;

/// <summary>One <c>-----BEGIN label-----</c> block of a PEM file, decoded.</summary>
internal sealed record PemBlock(string Label, byte[] Data)
{
    /// <summary>
    /// Every block in order. Files made by <c>openssl ecparam -genkey</c> start with an <c>EC PARAMETERS</c> block, so a
    /// key file is searched rather than assumed to hold exactly one block. Legacy OpenSSL encryption headers
    /// (<c>Proc-Type: 4,ENCRYPTED</c>) are refused with a conversion hint: PEM with headers is not RFC 7468.
    /// </summary>
    public static IEnumerable<PemBlock> All(string text, string source)
    {
        if (text.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
        {
            throw new SecureContainerException(SigningDiagnostics.KeyFormatUnsupported.Create(source, "legacy OpenSSL-encrypted PEM key (Proc-Type header)",
                "Convert it to encrypted PKCS#8: `openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.key -out new.key`."));
        }

        List<PemBlock> blocks = new();
        ReadOnlySpan<char> rest = text;
        while (PemEncoding.TryFind(rest, out PemFields fields))
        {
            string label = rest[fields.Label].ToString();
            byte[] data = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], data, out int written))
            {
                throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(source, $"the '{label}' block is not valid base64"));
            }

            blocks.Add(new PemBlock(label, data[..written]));
            rest = rest[fields.Location.End..];
        }

        if (blocks.Count == 0)
        {
            throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(source, "it contains no complete PEM block (-----BEGIN ...----- / -----END ...-----)"));
        }

        return blocks;
    }
}

/// <summary>Reading key files without trusting their size.</summary>
internal static class KeyFiles
{
    // Real PEM keys are a few hundred bytes; the cap keeps a wrong path (a disk image, /dev/zero) from being read whole.
    private const int MaxKeyFileBytes = 64 * 1024;

    /// <summary>
    /// SC6001 when nothing is at <paramref name="path"/>; SC6002 when a folder is (a common slip: the folder that holds
    /// the key), which "does not exist" would misdescribe.
    /// </summary>
    public static void EnsureFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(path, "it is a folder, not a file; point at the PEM key file inside it"));
        }

        if (!File.Exists(path))
        {
            throw new SecureContainerException(SigningDiagnostics.KeyFileNotFound.Create(path));
        }
    }

    public static string ReadBoundedText(string path)
    {
        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            byte[] buffer = new byte[MaxKeyFileBytes + 1];
            int total = 0;
            int n;
            while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += n;
            }

            if (total > MaxKeyFileBytes)
            {
                throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(path, $"it is larger than {MaxKeyFileBytes} bytes, far more than a PEM key"));
            }

            string text = System.Text.Encoding.UTF8.GetString(buffer, 0, total);
            CryptographicOperations.ZeroMemory(buffer);
            return text;
        }
        catch (FileNotFoundException)
        {
            throw new SecureContainerException(SigningDiagnostics.KeyFileNotFound.Create(path));
        }
        catch (DirectoryNotFoundException)
        {
            throw new SecureContainerException(SigningDiagnostics.KeyFileNotFound.Create(path));
        }
        catch (UnauthorizedAccessException)
        {
            throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(path, "it cannot be opened (permission denied)"));
        }
        catch (IOException ex)
        {
            throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(path, $"it cannot be read ({ex.GetType().Name})"));
        }
    }
}
