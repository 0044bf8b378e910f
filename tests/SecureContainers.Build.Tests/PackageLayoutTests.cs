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
            "tasks/net10.0/System.Formats.Cbor.dll",
            "tasks/net10.0/System.Security.Cryptography.Cose.dll",
            "tasks/net10.0/System.Security.Cryptography.Pkcs.dll",

            // Pure managed zstd (chisel's manifest.wall): one assembly, no runtimes/<rid>/native folder to carry.
            "tasks/net10.0/ZstdSharp.dll",
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

    /// <summary>
    /// Visual Studio runs MSBuild on .NET Framework: only Runtime="NET" sends our .NET tasks to the .NET task host (as the
    /// SDK's container tasks), and a host too old for that must get SC1010 rather than MSB4062.
    /// </summary>
    [Fact]
    public void PackedTargetsDeclareEveryTaskForTheDotNetTaskHost()
    {
        using ZipArchive zip = ZipFile.OpenRead(Package());
        using Stream targets = zip.GetEntry("build/SecureContainers.Build.targets")!.Open();
        XDocument doc = XDocument.Load(targets);
        XElement[] usingTasks = doc.Root!.Elements("UsingTask").ToArray();
        string[] invoked = doc.Root.Descendants("Target").SelectMany(t => t.Elements())
            .Select(e => e.Name.LocalName).Where(n => usingTasks.Any(u => u.Attribute("TaskName")!.Value.EndsWith("." + n, StringComparison.Ordinal))).Distinct().ToArray();

        Assert.NotEmpty(usingTasks);
        Assert.All(usingTasks, u =>
        {
            Assert.Equal("NET", u.Attribute("Runtime")?.Value);
            Assert.Equal("'$(_SecureContainerHostRunsTasks)' == 'true'", u.Attribute("Condition")?.Value);
        });
        Assert.Equal(usingTasks.Length, invoked.Length);
        XElement guard = doc.Root.Descendants("Error").Single(e => e.Attribute("Code")?.Value == "SC1010");
        Assert.Equal("'$(_SecureContainerHostRunsTasks)' != 'true'", guard.Attribute("Condition")?.Value);
        Assert.Contains("Visual Studio 2026", guard.Attribute("Text")!.Value);
    }
}
