using System.Text.Json;

namespace SecureContainers.TestUtilities.Validation;

/// <summary>What sigstore's JavaScript verifier said about one bundle.</summary>
public sealed record SigstoreVerdict(bool Ok, string? Error, int ExitCode, string Output)
{
    public override string ToString() => Ok ? "verified" : $"not verified (exit {ExitCode}): {Error ?? Output}";
}

/// <summary>
/// Runs eng/sigstore-verifier/verify.mjs: the sigstore project's own bundle verifier (@sigstore/verify), the independent
/// judge of every bundle we write. A test that needs it is marked <see cref="SigstoreVerifierFactAttribute"/>: skipped with
/// the reason when node or the npm modules are missing, unless SC_REQUIRE_VALIDATOR=1 (eng/test.sh sets it), which runs the
/// test so that <see cref="VerifyWithKey"/> fails it, saying what is missing.
/// </summary>
public static class SigstoreJsVerifier
{
    /// <summary>Why the verifier cannot run here, or null when it can.</summary>
    public static string? Missing => Locate().Missing;

    /// <summary>Key-based: the public key (PEM) is the trust anchor, found by the bundle's hint; no log or timestamp needed.</summary>
    /// <param name="digest">When given, the bundle must be about this image digest (a statement subject or the message digest).</param>
    public static SigstoreVerdict VerifyWithKey(byte[] bundle, string publicKeyPem, string? digest = null)
    {
        using TemporaryFiles files = new();
        List<string> args = [files.Write("bundle.json", bundle), "--key", files.Write("key.pub", publicKeyPem)];
        if (digest is not null)
        {
            args.AddRange(["--digest", digest]);
        }

        return Run(args);
    }

    /// <summary>Keyless: a trusted root and the expected certificate identity (exact or regular expression) and OIDC issuer.</summary>
    public static SigstoreVerdict VerifyWithTrustedRoot(byte[] bundle, string trustedRootJson, string? identity, string? identityRegexp, string issuer,
        string? digest = null, params string[] extra)
    {
        using TemporaryFiles files = new();
        List<string> args = [files.Write("bundle.json", bundle), "--trusted-root", files.Write("trusted_root.json", trustedRootJson), "--issuer", issuer];
        args.AddRange(identity is not null ? ["--identity", identity] : ["--identity-regexp", identityRegexp ?? throw new ArgumentNullException(nameof(identityRegexp))]);
        if (digest is not null)
        {
            args.AddRange(["--digest", digest]);
        }

        args.AddRange(extra);
        return Run(args);
    }

    private static SigstoreVerdict Run(IReadOnlyList<string> args)
    {
        (string? node, string? script, string? missing) = Locate();
        if (missing is not null)
        {
            Assert.Fail(NodeValidator.IsRequired ? $"{NodeValidator.RequireVariable}=1 but {missing}." : $"sigstore's JS verifier cannot run: {missing}.");
        }

        (int exitCode, string output) = NodeValidator.Run(node!, script!, [.. args]);
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith("{\"ok\":", StringComparison.Ordinal));
        if (line is null || exitCode is not (0 or 1))
        {
            Assert.Fail($"verify.mjs did not give a verdict (exit {exitCode}): {output}");
        }

        using JsonDocument doc = JsonDocument.Parse(line!);
        bool ok = doc.RootElement.GetProperty("ok").GetBoolean();
        string? error = doc.RootElement.GetProperty("error").ValueKind == JsonValueKind.String ? doc.RootElement.GetProperty("error").GetString() : null;
        Assert.True(ok == (exitCode == 0), $"verify.mjs said ok={ok} but exited {exitCode}: {output}");
        return new SigstoreVerdict(ok, error, exitCode, output);
    }

    private static (string? Node, string? Script, string? Missing) Locate()
    {
        string dir = RepositoryRoot.Combine("eng", "sigstore-verifier");
        string? node = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Path.Combine(p, OperatingSystem.IsWindows() ? "node.exe" : "node"))
            .FirstOrDefault(File.Exists);
        string? missing =
            node is null ? "'node' is not on PATH" :
            !Directory.Exists(Path.Combine(dir, "node_modules", "@sigstore", "verify")) ? "eng/sigstore-verifier/node_modules lacks @sigstore/verify (run 'npm ci' there)" :
            null;
        return (node, Path.Combine(dir, "verify.mjs"), missing);
    }

    private sealed class TemporaryFiles : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("sc-sigstore-").FullName;

        public string Write(string name, byte[] content)
        {
            string path = Path.Combine(_dir, name);
            File.WriteAllBytes(path, content);
            return path;
        }

        public string Write(string name, string content) => Write(name, System.Text.Encoding.UTF8.GetBytes(content));

        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>
/// A fact that needs sigstore's JS verifier: skipped with the reason when it cannot run here, except under
/// SC_REQUIRE_VALIDATOR=1, where the test runs and fails (a CI that installed the verifier must not skip silently).
/// </summary>
public sealed class SigstoreVerifierFactAttribute : FactAttribute
{
    public SigstoreVerifierFactAttribute()
    {
        if (!NodeValidator.IsRequired && SigstoreJsVerifier.Missing is string missing)
        {
            Skip = $"sigstore's JS verifier cannot run: {missing}. Set {NodeValidator.RequireVariable}=1 to make this a failure.";
        }
    }
}
