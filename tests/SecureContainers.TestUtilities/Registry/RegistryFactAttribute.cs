namespace SecureContainers.TestUtilities.Registry;

/// <summary>
/// A fact against a real registry (Debian's docker-registry, started by eng/test.sh): skipped with the reason when
/// SC_TEST_REGISTRY (host:port) is not set. The test reads the address from <see cref="Address"/>.
/// </summary>
public sealed class RegistryFactAttribute : FactAttribute
{
    public const string Variable = "SC_TEST_REGISTRY";

    public RegistryFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"{Variable} is not set: there is no real registry to test against (eng/test.sh starts one and sets it).";
        }
    }

    /// <summary>The registry under test; only a test this attribute did not skip should ask.</summary>
    public static string Address => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } registry
        ? registry
        : throw new InvalidOperationException($"{Variable} is not set.");
}
