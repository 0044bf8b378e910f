using SecureContainers.Core.Packages;
using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Cli.Tests;

/// <summary>What one in-process run of the tool produced.</summary>
internal sealed record CliResult(ExitCode ExitCode, byte[] StandardOutput, string Output, string Error);

/// <summary>
/// Runs <see cref="CliApp"/> in-process with a <see cref="CliContext"/> whose registry is a <see cref="FakeRegistry"/>
/// (or whatever <see cref="RegistryOptions"/> says) and whose streams are in memory.
/// </summary>
internal sealed class CliHarness
{
    public const string Host = "registry.test";

    public FakeRegistry Registry { get; } = new(Host);

    public Func<RegistryClientOptions>? RegistryOptions { get; set; }

    /// <summary>The process environment the tool sees; nothing else of the real one leaks in.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>What a person types at the password prompt; null means no terminal (CI).</summary>
    public Func<string, string?> ReadSecret { get; set; } = _ => null;

    public DateTimeOffset Now { get; set; } = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The layer scan cache of check and sbom generate: a fresh folder per harness, never the user's.</summary>
    public string LayerCacheDirectory { get; } = Path.Combine(Path.GetTempPath(), "sc-cli-layers-" + Guid.NewGuid().ToString("N"));

    /// <summary>Advisories for check, whatever --nuget-source says; null: the tool's own HTTP source, served by <see cref="NuGetFeed"/>.</summary>
    public Core.Vulnerabilities.IVulnerabilitySource? VulnerabilitySource { get; set; }

    /// <summary>
    /// The repository's test feed (Newtonsoft.Json before 13.0.1 is vulnerable), served in-process at nuget.org's address,
    /// so the default --nuget-source is exercised without the network.
    /// </summary>
    public TestUtilities.NuGet.TestNuGetFeed NuGetFeed { get; } = new("https://api.nuget.org");

    /// <summary>The --nuget-source lists check passed, in order.</summary>
    public List<IReadOnlyList<string>> AdvisorySources { get; } = new();

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using MemoryStream stdout = new();
        using StringWriter output = new();
        using StringWriter error = new();
        CliContext context = new()
        {
            StandardOutput = stdout,
            Output = output,
            Error = error,
            GetEnvironmentVariable = name => Environment.GetValueOrDefault(name),
            ReadSecret = ReadSecret,
            Now = () => Now,
            RegistryOptions = RegistryOptions ?? Registry.Options,
            LayerCacheDirectory = LayerCacheDirectory,
            VulnerabilitySource = sources =>
            {
                AdvisorySources.Add(sources);
                return VulnerabilitySource ?? new Core.Vulnerabilities.NuGetFeedVulnerabilitySource(
                    new Core.Vulnerabilities.NuGetFeedOptions { Sources = sources, CreateHandler = NuGetFeed.CreateHandler });
            },
        };

        int code = await CliApp.RunAsync(args, context);
        return new CliResult((ExitCode)code, stdout.ToArray(), output.ToString(), error.ToString());
    }

    /// <summary>Attaches <paramref name="sbom"/> to <paramref name="image"/> the way the build does: an OCI artifact with the image as subject.</summary>
    public async Task<Descriptor> AttachAsync(string repository, FakeRegistry.FakeImage image, byte[] sbom, string? created = null)
    {
        using RegistryClient client = new(Registry.Options());
        ArtifactRequest request = new(Host, repository, new Descriptor(MediaTypes.OciManifestV1, image.Digest, image.Size),
            SbomFetcher.CycloneDxJsonMediaType, [new ArtifactLayer(sbom, SbomFetcher.CycloneDxJsonMediaType)])
        {
            Annotations = created is null ? null : new Dictionary<string, string> { [SbomFetcher.CreatedAnnotation] = created },
        };
        return await client.AttachArtifactAsync(request, CancellationToken.None);
    }

    /// <summary>A minimal CycloneDX SBOM whose metadata.component names <paramref name="digest"/> by purl and hash.</summary>
    public static byte[] Sbom(string repository, Digest digest, string marker = "app") =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["bomFormat"] = "CycloneDX",
            ["specVersion"] = "1.6",
            ["version"] = 1,
            ["metadata"] = new
            {
                component = new
                {
                    type = "container",
                    name = $"{Host}/{repository}",
                    purl = PackageUrl.Oci($"{Host}/{repository}", digest, null),
                    hashes = new[] { new { alg = "SHA-256", content = digest.Hex } },
                },
            },
            ["components"] = new[] { new { type = "library", name = marker, version = "1.0.0" } },
        });
}
