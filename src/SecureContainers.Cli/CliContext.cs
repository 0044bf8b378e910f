using SecureContainers.Core.Registry;

namespace SecureContainers.Cli;

/// <summary>
/// Everything a command takes from its process: output streams, environment and registry options. <see cref="Console"/>
/// is the real process; tests build one with a fake registry and in-memory writers and run the same commands in-process.
/// </summary>
public sealed class CliContext
{
    /// <summary>Raw standard output, for content that must arrive byte for byte (an SBOM without -o).</summary>
    public required Stream StandardOutput { get; init; }

    /// <summary>Text for people: help, version, the summary after writing a file.</summary>
    public required TextWriter Output { get; init; }

    /// <summary>Diagnostics, one <c>error SCxxxx: message</c> line each.</summary>
    public required TextWriter Error { get; init; }

    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>
    /// Options for each registry client a command creates. The default follows the MSBuild tasks: credentials and
    /// insecure registries from the environment (<see cref="RegistryClientOptions.FromEnvironment"/>).
    /// </summary>
    public Func<RegistryClientOptions>? RegistryOptions { get; init; }

    /// <summary>
    /// Asks a person for a secret without echoing it; <c>null</c> when nobody is at a terminal (CI), so a command can
    /// fail with a coded error instead of waiting for input that never comes.
    /// </summary>
    public Func<string, string?> ReadSecret { get; init; } = _ => null;

    /// <summary>
    /// Where <c>check</c> looks up advisories of the packages it finds, given the <c>--nuget-source</c> service indexes
    /// (nuget.org's by default). In production NuGet's v3 vulnerability resource over HTTP; tests serve a feed in-process.
    /// </summary>
    public Func<IReadOnlyList<string>, Core.Vulnerabilities.IVulnerabilitySource> VulnerabilitySource { get; init; } =
        sources => new Core.Vulnerabilities.NuGetFeedVulnerabilitySource(new Core.Vulnerabilities.NuGetFeedOptions { Sources = sources });

    /// <summary>The layer scan cache of <c>check</c> and <c>sbom generate</c>; null is the default per-user cache.</summary>
    public string? LayerCacheDirectory { get; init; }

    /// <summary>The clock, for time stamps that <c>SOURCE_DATE_EPOCH</c> does not pin.</summary>
    public Func<DateTimeOffset> Now { get; init; } = () => DateTimeOffset.UtcNow;

    /// <summary>Replaces the network to Fulcio, Rekor and the CI's token endpoint (tests); null for the real one.</summary>
    public HttpMessageHandler? SigstoreHandler { get; init; }

    public static CliContext Console() => new()
    {
        StandardOutput = System.Console.OpenStandardOutput(),
        Output = System.Console.Out,
        Error = System.Console.Error,
        ReadSecret = TerminalSecret.Read,
    };

    public RegistryClient CreateRegistryClient() =>
        new(RegistryOptions?.Invoke() ?? RegistryClientOptions.FromEnvironment(GetEnvironmentVariable));

    /// <summary>
    /// Prints a coded diagnostic the way compilers do, so CI log parsers pick it up, in its CLI wording (options and
    /// environment variables, not the MSBuild properties the build's wording names).
    /// </summary>
    public void Report(Core.Diagnostics.Diagnostic diagnostic) =>
        Error.WriteLine($"{diagnostic.Severity.ToString().ToLowerInvariant()} {diagnostic.Code}: {diagnostic.CliMessage}");
}
