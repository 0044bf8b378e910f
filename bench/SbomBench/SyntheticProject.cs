using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;

namespace SbomBench;

/// <summary>
/// A project the size the budget names, written to disk as restore and the layer scan leave it: a
/// project.assets.json with 100 packages (12 direct, a DAG up to ~6 levels deep, 0–5 dependencies each, SHA-512s,
/// file lists), a packages folder with each package's .nuspec (license, authors, description) and .nupkg.sha512, and
/// the base image report the cached scan gives (~100 deb packages with Depends, two shared frameworks, users).
/// </summary>
internal static class SyntheticProject
{
    public const string Framework = "net10.0";
    public const string Rid = "linux-x64";

    public static string WriteAssets(string root, int packageCount, int seed)
    {
        var random = new Random(seed);
        string packages = Path.Combine(root, "packages") + Path.DirectorySeparatorChar;
        var ids = Enumerable.Range(0, packageCount).Select(i => $"Contoso.{Word(random)}.{Word(random)}{i}").ToArray();
        var versions = ids.Select(_ => $"{random.Next(1, 10)}.{random.Next(0, 20)}.{random.Next(0, 5)}").ToArray();

        // Package i depends only on later packages: a DAG. Each later package gets at least one parent, so all are
        // in the closure; the first 12 are the project's references.
        var deps = ids.Select(_ => new SortedSet<int>()).ToArray();
        for (int j = 12; j < packageCount; j++)
        {
            int from = Math.Max(0, j - random.Next(5, 30));
            deps[random.Next(from, j)].Add(j);
        }

        for (int i = 0; i < packageCount; i++)
        {
            for (int k = random.Next(0, 3); k > 0 && i + 1 < packageCount; k--)
            {
                deps[i].Add(random.Next(i + 1, Math.Min(packageCount, i + 40)));
            }
        }

        var target = new JsonObject();
        var libraries = new JsonObject();
        for (int i = 0; i < packageCount; i++)
        {
            string id = ids[i], version = versions[i];
            var entry = new JsonObject { ["type"] = "package" };
            if (deps[i].Count > 0)
            {
                var d = new JsonObject();
                foreach (int j in deps[i])
                {
                    d[ids[j]] = versions[j];
                }

                entry["dependencies"] = d;
            }

            entry["compile"] = new JsonObject { [$"lib/net8.0/{id}.dll"] = new JsonObject { ["related"] = ".xml" } };
            entry["runtime"] = new JsonObject { [$"lib/net8.0/{id}.dll"] = new JsonObject { ["related"] = ".xml" } };
            target[$"{id}/{version}"] = entry;

            byte[] hash = SHA512.HashData(Encoding.UTF8.GetBytes(id + version));
            string path = $"{id.ToLowerInvariant()}/{version}";
            libraries[$"{id}/{version}"] = new JsonObject
            {
                ["sha512"] = Convert.ToBase64String(hash),
                ["type"] = "package",
                ["path"] = path,
                ["files"] = new JsonArray(
                    $"{path}.nupkg.sha512".Replace('/', '.'), $"{id.ToLowerInvariant()}.nuspec", "icon.png", "README.md",
                    $"lib/net462/{id}.dll", $"lib/net462/{id}.xml", $"lib/net8.0/{id}.dll", $"lib/net8.0/{id}.xml",
                    $"lib/netstandard2.0/{id}.dll", $"lib/netstandard2.0/{id}.xml"),
            };
            WritePackage(packages, id, version, hash, random);
        }

        var dependencies = new JsonObject();
        var topLevel = new JsonArray();
        for (int i = 0; i < 12; i++)
        {
            dependencies[ids[i]] = new JsonObject { ["target"] = "Package", ["version"] = $"[{versions[i]}, )" };
            topLevel.Add($"{ids[i]} >= {versions[i]}");
        }

        var assets = new JsonObject
        {
            ["version"] = 3,
            ["targets"] = new JsonObject { [Framework] = target.DeepClone(), [$"{Framework}/{Rid}"] = target.DeepClone() },
            ["libraries"] = libraries,
            ["projectFileDependencyGroups"] = new JsonObject { [Framework] = topLevel },
            ["packageFolders"] = new JsonObject { [packages] = new JsonObject() },
            ["project"] = new JsonObject
            {
                ["version"] = "1.0.0",
                ["restore"] = new JsonObject { ["projectName"] = "BenchApp", ["outputPath"] = Path.Combine(root, "obj") },
                ["frameworks"] = new JsonObject
                {
                    [Framework] = new JsonObject
                    {
                        ["targetAlias"] = Framework,
                        ["dependencies"] = dependencies,
                        ["frameworkReferences"] = new JsonObject
                        {
                            ["Microsoft.AspNetCore.App"] = new JsonObject { ["privateAssets"] = "none" },
                            ["Microsoft.NETCore.App"] = new JsonObject { ["privateAssets"] = "all" },
                        },
                    },
                },
            },
        };

        string file = Path.Combine(root, "obj", "project.assets.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, assets.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return file;
    }

    private static void WritePackage(string packages, string id, string version, byte[] hash, Random random)
    {
        string dir = Directory.CreateDirectory(Path.Combine(packages, id.ToLowerInvariant(), version)).FullName;
        string[] licenses = ["MIT", "Apache-2.0", "BSD-3-Clause", "MIT OR Apache-2.0"];
        File.WriteAllText(Path.Combine(dir, id.ToLowerInvariant() + ".nuspec"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata>
                <id>{id}</id>
                <version>{version}</version>
                <authors>Contoso, {Word(random)} {Word(random)}</authors>
                <license type="expression">{licenses[random.Next(licenses.Length)]}</license>
                <licenseUrl>https://licenses.nuget.org/MIT</licenseUrl>
                <projectUrl>https://example.org/{id}</projectUrl>
                <description>{string.Join(' ', Enumerable.Range(0, 30).Select(_ => Word(random)))}</description>
                <repository type="git" url="https://example.org/{id}.git" commit="{Convert.ToHexStringLower(hash[..20])}" />
                <dependencies><group targetFramework="net8.0" /></dependencies>
              </metadata>
            </package>
            """);
        File.WriteAllText(Path.Combine(dir, $"{id}.{version}.nupkg.sha512".ToLowerInvariant()), Convert.ToBase64String(hash));
    }

    /// <summary>What the cached base scan gives the SBOM: ~100 dpkg packages with Depends, the frameworks, users.</summary>
    public static ImageContentsReport BaseImage(int packageCount, int seed)
    {
        var random = new Random(seed);
        Digest layer = Digest.Sha256(Encoding.UTF8.GetBytes("base layer"));
        var names = Enumerable.Range(0, packageCount).Select(i => $"lib{Word(random)}{i}").ToArray();
        var packages = names.Select((name, i) => new OsPackage(
            "deb", name, $"{random.Next(1, 9)}.{random.Next(0, 30)}-{random.Next(1, 5)}+deb12u{random.Next(1, 9)}", "amd64",
            random.Next(3) == 0 ? name + "-src" : null, null, random.Next(2) == 0 ? "GPL-2.0-or-later" : null,
            Enumerable.Range(0, random.Next(0, 6)).Select(_ => names[random.Next(packageCount)]).Append("libc6-missing").Distinct().ToArray(),
            layer)).ToArray();
        return new ImageContentsReport(
            Shells: [], PackageManagers: [], RemoteAccessServers: [], PrivilegeEscalationTools: [], SetUidOrSetGidFiles: [], WorldWritable: [],
            Users: [new PasswdEntry("root", 0, 0, "/root", "/usr/sbin/nologin"), new PasswdEntry("app", 1654, 1654, "/home/app", "/usr/sbin/nologin")],
            OsRelease: new OsRelease("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)", new Dictionary<string, string> { ["ID"] = "debian", ["VERSION_ID"] = "12" }),
            Packages: packages,
            RpmDatabases: [],
            DotNetFrameworks:
            [
                new DotNetFramework("Microsoft.NETCore.App", "10.0.12", "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12", layer),
                new DotNetFramework("Microsoft.AspNetCore.App", "10.0.12", "/usr/share/dotnet/shared/Microsoft.AspNetCore.App/10.0.12", layer),
            ]);
    }

    private static string Word(Random random)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyz";
        var sb = new StringBuilder();
        sb.Append(char.ToUpperInvariant(letters[random.Next(letters.Length)]));
        for (int n = random.Next(3, 9); n > 0; n--)
        {
            sb.Append(letters[random.Next(letters.Length)]);
        }

        return sb.ToString();
    }
}
