using System.IO.Compression;
using System.Xml.Linq;

namespace SecureContainers.Build.Tests;

/// <summary>The nupkg users restore: exactly the tasks with their own dependencies, the props/targets, nothing MSBuild already loads.</summary>
public class PackageLayoutTests
{
    private static string Package()
    {
        string path = RepositoryRoot.Combine("artifacts", "packages", "SecureContainers.Build.0.1.0.nupkg");
        Assert.True(File.Exists(path), $"{path} is missing: run eng/test.sh (it packs before testing) or `dotnet pack src/SecureContainers.Build -c Release`.");
        return path;
    }

    [Fact]
    public void PackageHoldsExactlyTheTasksAndBuildFiles()
    {
        using ZipArchive zip = ZipFile.OpenRead(Package());
        string[] files = zip.Entries
            .Select(e => e.FullName)
            .Where(n => !n.StartsWith("package/services/metadata/core-properties/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(
        [
            "README.md",
            "SecureContainers.Build.nuspec",
            "[Content_Types].xml",
            "_rels/.rels",
            "build/SecureContainers.Build.props",
            "build/SecureContainers.Build.targets",
            "tasks/net10.0/SecureContainers.Build.deps.json",
            "tasks/net10.0/SecureContainers.Build.dll",
            "tasks/net10.0/SecureContainers.Core.dll",
        ], files);
    }

    [Fact]
    public void PackageIsADevelopmentDependencyWithoutDependencies()
    {
        using ZipArchive zip = ZipFile.OpenRead(Package());
        using Stream nuspec = zip.GetEntry("SecureContainers.Build.nuspec")!.Open();
        XDocument doc = XDocument.Load(nuspec);
        XNamespace ns = doc.Root!.Name.Namespace;
        XElement metadata = doc.Root.Element(ns + "metadata")!;

        Assert.Equal("SecureContainers.Build", metadata.Element(ns + "id")!.Value);
        Assert.Equal("true", metadata.Element(ns + "developmentDependency")?.Value);
        Assert.Empty(metadata.Element(ns + "dependencies")?.Descendants(ns + "dependency") ?? []);
    }
}
