namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A fact that signs keyless against the offline sigstore test bed eng/test.sh starts (eng/testbed/sigstore.sh: the
/// sigstore project's mock Fulcio and Rekor, a GitHub Actions token endpoint, a trusted root) and checks with sigstore's
/// JS verifier: skipped with the reason when either is missing, except under SC_REQUIRE_TOOLS=1, where it fails.
/// </summary>
public sealed class SigstoreMockFactAttribute : FactAttribute
{
    public SigstoreMockFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SC_REQUIRE_TOOLS") == "1")
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("SC_SIGSTORE_FULCIO_URL") is not { Length: > 0 })
        {
            Skip = "the sigstore mock is not running (SC_SIGSTORE_FULCIO_URL is not set): run through eng/test.sh, or eng/testbed/sigstore.sh start. Set SC_REQUIRE_TOOLS=1 to make this a failure.";
        }
        else if (SigstoreJs.Missing is string missing)
        {
            Skip = $"sigstore's JS verifier cannot run: {missing}.";
        }
    }

    public static string Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{name} is not set: run through eng/test.sh, which starts the sigstore mock.");
}
