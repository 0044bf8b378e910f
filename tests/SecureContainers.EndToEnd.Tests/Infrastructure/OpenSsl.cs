namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>An implementation that is not ours: the openssl CLI checks ECDSA signatures over bytes we give it.</summary>
public static class OpenSsl
{
    public static async Task<bool> VerifyAsync(string publicKeyPem, byte[] data, byte[] derSignature)
    {
        string dir = Directory.CreateTempSubdirectory("sc-openssl-").FullName;
        string data_ = Path.Combine(dir, "data"), sig = Path.Combine(dir, "sig.der");
        await File.WriteAllBytesAsync(data_, data);
        await File.WriteAllBytesAsync(sig, derSignature);
        ProcessResult result = await ProcessRunner.RunAsync("openssl", ["dgst", "-sha256", "-verify", publicKeyPem, "-signature", sig, data_], dir);
        return result.Succeeded && result.Output.Contains("Verified OK", StringComparison.Ordinal);
    }
}
