using System.Runtime.CompilerServices;

namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real parts eng/test.sh prepares: a registry on loopback with the base image fixtures pushed, the freshly
/// packed package in artifacts/packages, and a private NuGet packages folder for this run.
/// </summary>
public static class TestBed
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Registry => Environment.GetEnvironmentVariable("SC_TEST_REGISTRY") is { Length: > 0 } r
        ? r
        : throw new InvalidOperationException("SC_TEST_REGISTRY is not set: run the end-to-end tests through eng/test.sh, which starts the registry and pushes the fixtures.");

    /// <summary>The loopback NuGet v3 feed with advisories (eng/testbed/nuget-feed), when eng/test.sh started it.</summary>
    public static string? AdvisoryFeed => Environment.GetEnvironmentVariable("SC_TEST_NUGET_FEED") is { Length: > 0 } f ? f : null;

    public static string PackagesFeed => Path.Combine(RepoRoot, "artifacts", "packages");

    public static string FixturesFile => Path.Combine(RepoRoot, "artifacts", "testbed", "oci", "fixtures.json");

    /// <summary>One NuGet packages folder per test run, so the freshly packed 0.1.0 is never shadowed by an old extract.</summary>
    public static string NuGetPackages { get; } = Environment.GetEnvironmentVariable("SC_TEST_NUGET_PACKAGES") is { Length: > 0 } p
        ? p
        : Directory.CreateTempSubdirectory("sc-e2e-packages-").FullName;

    public static string WorkRoot { get; } = Directory.CreateTempSubdirectory("sc-e2e-").FullName;

    public static string BaseImage(string name) => $"{Registry}/base/{name}";

    private static string FindRepoRoot([CallerFilePath] string path = "")
    {
        DirectoryInfo? dir = new FileInfo(path).Directory;
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SecureContainers.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
