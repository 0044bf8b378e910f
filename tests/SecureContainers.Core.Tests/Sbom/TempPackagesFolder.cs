using System.Security.Cryptography;
using System.Text;

namespace SecureContainers.Core.Tests.Sbom;

/// <summary>A NuGet global packages folder in a temp directory, laid out as restore extracts packages.</summary>
internal sealed class TempPackagesFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("sbom-packages-").FullName;

    /// <summary>Writes <c>&lt;id&gt;/&lt;version&gt;/&lt;id&gt;.nuspec</c> (lowercased) with the given metadata XML.</summary>
    public string AddNuspec(string id, string version, string metadataXml, string xmlns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd") =>
        AddRaw(id, version, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="{xmlns}">
              <metadata>
                <id>{id}</id>
                <version>{version}</version>
                {metadataXml}
              </metadata>
            </package>
            """);

    public string AddRaw(string id, string version, string nuspecContent)
    {
        string path = Path.Combine(PackageDirectory(id, version), id.ToLowerInvariant() + ".nuspec");
        File.WriteAllText(path, nuspecContent, new UTF8Encoding(false));
        return path;
    }

    /// <summary>Writes the <c>.nupkg.sha512</c> restore leaves next to the nuspec; returns the hash as lowercase hex.</summary>
    public string AddSha512(string id, string version)
    {
        byte[] hash = SHA512.HashData(Encoding.UTF8.GetBytes(id + "/" + version));
        File.WriteAllText(Path.Combine(PackageDirectory(id, version), $"{id}.{version}.nupkg.sha512".ToLowerInvariant()), Convert.ToBase64String(hash));
        return Convert.ToHexStringLower(hash);
    }

    public string PackageDirectory(string id, string version) =>
        Directory.CreateDirectory(Path.Combine(Root, id.ToLowerInvariant(), version.ToLowerInvariant())).FullName;

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
