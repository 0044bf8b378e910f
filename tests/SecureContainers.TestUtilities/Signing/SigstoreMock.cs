using System.Diagnostics;

namespace SecureContainers.TestUtilities.Signing;

/// <summary>
/// The offline Sigstore test bed (eng/testbed/sigstore.sh, started by eng/test.sh): its URLs and trusted root from the
/// environment, a GitHub Actions environment pointing at its token endpoint, and @sigstore/verify run over a bundle.
/// </summary>
public static class SigstoreMock
{
    public const string FulcioUrlVariable = "SC_SIGSTORE_FULCIO_URL";

    /// <summary>Why the test bed cannot be used here, or null when it can.</summary>
    public static string? Missing
    {
        get
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(FulcioUrlVariable)))
            {
                return $"{FulcioUrlVariable} is not set: no sigstore mock runs (eng/test.sh starts one; or `eng/testbed/sigstore.sh start DIR` and source DIR/env)";
            }

            if (ToolFactAttribute.FindOnPath("node") is null)
            {
                return "'node' is not on PATH";
            }

            return Directory.Exists(RepositoryRoot.Combine("eng", "sigstore-mock", "node_modules", "@sigstore", "verify"))
                ? null
                : "eng/sigstore-mock/node_modules lacks @sigstore/verify (run 'npm ci' there)";
        }
    }

    /// <summary>Fails the test, saying what is missing, when the test bed is not there (a run under SC_REQUIRE_TOOLS=1).</summary>
    public static void EnsureRunning()
    {
        if (Missing is string missing)
        {
            Assert.Fail($"The sigstore mock is required here but cannot be used: {missing}.");
        }
    }

    public static Uri FulcioUrl => new(Require(FulcioUrlVariable));

    public static Uri RekorUrl => new(Require("SC_SIGSTORE_REKOR_URL"));

    public static string TrustedRoot => Require("SC_SIGSTORE_TRUSTED_ROOT");

    public static string Issuer => Require("SC_SIGSTORE_OIDC_ISSUER");

    public static string Identity => Require("SC_SIGSTORE_IDENTITY");

    /// <summary>
    /// The variables a GitHub Actions job with <c>id-token: write</c> has, pointing at the mock; <paramref name="tokenQuery"/>
    /// (e.g. <c>sub=...</c>) picks the identity the mock's token carries.
    /// </summary>
    public static Func<string, string?> GitHubActionsEnvironment(string? tokenQuery = null, string? requestToken = null)
    {
        string url = Require("SC_SIGSTORE_ACTIONS_ID_TOKEN_REQUEST_URL") + (tokenQuery is null ? "" : "&" + tokenQuery);
        string token = requestToken ?? Require("SC_SIGSTORE_ACTIONS_ID_TOKEN_REQUEST_TOKEN");
        return name => name switch
        {
            "ACTIONS_ID_TOKEN_REQUEST_URL" => url,
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN" => token,
            _ => null,
        };
    }

    /// <summary>Runs sigstore's verifier (eng/sigstore-verifier/verify.mjs) against the mock's trusted root: exit 0 verified, 1 not verified, 2 unusable input.</summary>
    public static (int ExitCode, string Output) Verify(string bundleFile, string identity, string issuer, string? artifactFile = null)
    {
        ProcessStartInfo start = new(ToolFactAttribute.FindOnPath("node")!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepositoryRoot.Combine("eng", "sigstore-verifier", "verify.mjs"));
        foreach (string arg in (string[])[bundleFile, "--trusted-root", TrustedRoot, "--identity", identity, "--issuer", issuer])
        {
            start.ArgumentList.Add(arg);
        }

        if (artifactFile is not null)
        {
            start.ArgumentList.Add("--artifact");
            start.ArgumentList.Add(artifactFile);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("verify.mjs did not finish within 60 s");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }

    private static string Require(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{name} is not set; only a test that {nameof(SigstoreMockFactAttribute)} did not skip should ask.");
}

/// <summary>
/// A fact against the offline Sigstore test bed: skipped with the reason when it is not running here, except under
/// SC_REQUIRE_TOOLS=1 (eng/test.sh), where the test runs and fails.
/// </summary>
public sealed class SigstoreMockFactAttribute : FactAttribute
{
    public SigstoreMockFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(ToolFactAttribute.RequireVariable) != "1" && SigstoreMock.Missing is string missing)
        {
            Skip = $"The sigstore mock cannot be used: {missing}. Set {ToolFactAttribute.RequireVariable}=1 to make this a failure.";
        }
    }
}
