namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>
/// sigstore's own JavaScript verifier (eng/sigstore-verifier/verify.mjs, @sigstore/verify pinned there) run on a bundle
/// the publish wrote. The end-to-end tests reference no product or shared test assembly, so this mirrors the unit tests'
/// SigstoreJsVerifier.
/// </summary>
public static class SigstoreJs
{
    public const string RequireVariable = "SC_REQUIRE_VALIDATOR";

    /// <summary>Why it cannot run here, or null.</summary>
    public static string? Missing
    {
        get
        {
            bool hasNode = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(p => File.Exists(Path.Combine(p, OperatingSystem.IsWindows() ? "node.exe" : "node")));
            return !hasNode ? "'node' is not on PATH"
                : !Directory.Exists(Path.Combine(Dir, "node_modules", "@sigstore", "verify")) ? "eng/sigstore-verifier/node_modules is missing (run 'npm ci' there)"
                : null;
        }
    }

    private static string Dir => Path.Combine(TestBed.RepoRoot, "eng", "sigstore-verifier");

    /// <summary>Key-based verification of <paramref name="bundle"/>, which must be about <paramref name="digest"/>. Exit 0: verified.</summary>
    public static Task<ProcessResult> VerifyWithKeyAsync(byte[] bundle, string publicKeyFile, string digest) =>
        RunAsync(bundle, ["--key", publicKeyFile, "--digest", digest]);

    /// <summary>Keyless verification: the certificate identity and issuer under <paramref name="trustedRoot"/>, about <paramref name="digest"/>.</summary>
    public static Task<ProcessResult> VerifyKeylessAsync(byte[] bundle, string trustedRoot, string identity, string issuer, string digest) =>
        RunAsync(bundle, ["--trusted-root", trustedRoot, "--identity", identity, "--issuer", issuer, "--digest", digest]);

    private static async Task<ProcessResult> RunAsync(byte[] bundle, string[] options)
    {
        if (Missing is string missing)
        {
            Assert.Fail($"sigstore's JS verifier cannot run: {missing}.");
        }

        string file = Path.Combine(Directory.CreateTempSubdirectory("sc-e2e-bundle-").FullName, "bundle.json");
        await File.WriteAllBytesAsync(file, bundle);
        try
        {
            return await ProcessRunner.RunAsync("node", [Path.Combine(Dir, "verify.mjs"), file, .. options], Dir, timeout: TimeSpan.FromMinutes(2));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }
}

/// <summary>A fact that needs <see cref="SigstoreJs"/>: skipped with the reason when it cannot run, unless SC_REQUIRE_VALIDATOR=1.</summary>
public sealed class SigstoreJsFactAttribute : FactAttribute
{
    public SigstoreJsFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(SigstoreJs.RequireVariable) != "1" && SigstoreJs.Missing is string missing)
        {
            Skip = $"sigstore's JS verifier cannot run: {missing}. Set {SigstoreJs.RequireVariable}=1 to make this a failure.";
        }
    }
}
