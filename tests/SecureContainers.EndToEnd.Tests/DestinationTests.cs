using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>The SDK's tarball destination (ContainerArchiveOutputPath). The local daemon destination needs Docker or
/// a podman socket and is not exercised here (documented in docs/configuration.md).</summary>
[Collection(EndToEndCollection.Name)]
public class DestinationTests
{
    [Fact]
    public async Task RootImageToTarballWritesNoArchive()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("ConsoleWorker", "tar-root");
        string archive = Path.Combine(sample.Directory, "out", "image.tar.gz");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("aspnet-root:10.0")}",
            $"ContainerArchiveOutputPath={archive}",
        ]);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SC2001", result.Errors);
        Assert.False(File.Exists(archive));
        Assert.False(Directory.Exists(Path.GetDirectoryName(archive)) && Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(archive)!).Any());
        sample.Succeeded();
    }

    [Fact]
    public async Task WorkerToTarballWritesArchiveAndExactSbom()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("ConsoleWorker", "tar-ok");
        string archive = Path.Combine(sample.Directory, "out", "image.tar.gz");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("runtime:10.0")}",
            $"ContainerArchiveOutputPath={archive}",
        ]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.True(File.Exists(archive));

        string sbomPath = Path.Combine(sample.Directory, "bin", "Release", "securecontainers", "samples_consoleworker-linux-x64.cdx.json");
        Assert.True(File.Exists(sbomPath), result.Output);
        Assert.True((await SbomFacts.ValidateAsync(sbomPath)).Succeeded);

        string depsJson = Directory.GetFiles(Path.Combine(sample.Directory, "bin", "Release"), "ConsoleWorker.deps.json", SearchOption.AllDirectories)
            .Single(p => p.Contains($"{Path.DirectorySeparatorChar}publish{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(sbomPath));
        SortedSet<string> expected = SbomFacts.DepsJsonPackages(depsJson);
        Assert.True(expected.Count > 10, "the worker's graph should be deep enough to prove transitive closure");
        Assert.Equal(expected, SbomFacts.NuGetComponents(sbom));
        sample.Succeeded();
    }

    // For the integrator: today the SBOM lands in "<directory>samples_consoleworker-…" next to the folder (the targets
    // append the file name without a separator); remove the Skip with the fix.
    [Fact]
    public async Task SbomDirectoryWithoutATrailingSlashHoldsTheSbom()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("ConsoleWorker", "sbom-directory");
        string directory = Path.Combine(sample.Directory, "evidence");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("runtime:10.0")}",
            $"ContainerArchiveOutputPath={Path.Combine(sample.Directory, "out", "image.tar")}",
            $"SecureContainerSbomDirectory={directory}",
        ]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.True(File.Exists(Path.Combine(directory, "samples_consoleworker-linux-x64.cdx.json")), result.Output);
        sample.Succeeded();
    }
}
