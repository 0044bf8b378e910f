namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A fact that needs the TLS + htpasswd registry eng/test.sh starts (SC_TEST_TLS_REGISTRY and its CA, user and password):
/// skipped with that reason when it is absent, except under SC_REQUIRE_TOOLS=1 (eng/test.sh), where it fails instead.
/// </summary>
public sealed class TlsRegistryFactAttribute : FactAttribute
{
    public TlsRegistryFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SC_REQUIRE_TOOLS") != "1" && Environment.GetEnvironmentVariable("SC_TEST_TLS_REGISTRY") is not { Length: > 0 })
        {
            Skip = "SC_TEST_TLS_REGISTRY is not set: run through eng/test.sh, which starts the TLS + htpasswd registry. Set SC_REQUIRE_TOOLS=1 to make this a failure.";
        }
    }
}
