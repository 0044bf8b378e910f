using SecureContainers.Core.Packages;
using System.Text;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Core.Tests.Sbom;

/// <summary>
/// Checks writer output against the official CycloneDX schema through eng/sbom-validator (npm). When node or the
/// validator's node_modules are missing the tests are skipped with that reason, unless SC_REQUIRE_VALIDATOR=1, which
/// turns their absence into a failure (CI sets it after `npm ci`, so the check cannot be skipped silently there).
/// </summary>
public sealed class SbomSchemaValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sbom-schema-").FullName;

    [ValidatorFact(SchemaValidator.CycloneDx)]
    public void ImageSbomIsValidCycloneDx16()
    {
        (string node, string script) = Validator();

        (int exitCode, string output) = Run(node, script, Save(SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Create()))));

        Assert.True(exitCode == 0, output);
    }

    [ValidatorFact(SchemaValidator.CycloneDx)]
    public void EveryOptionalFieldTheModelCanCarryIsValidCycloneDx16()
    {
        (string node, string script) = Validator();

        // Fields the next SBOM features will fill (OS packages, frameworks, licenses, layers) are proven valid now.
        SbomDocument document = SbomBuilder.Build(SbomTestInputs.Create() with { ManifestDigest = null, Timestamp = null });
        SbomComponent[] extra =
        [
            new()
            {
                Type = SbomComponentType.Library, BomRef = "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12",
                Group = "debian", Name = "libssl3", Version = "3.0.15-1~deb12u1", Description = "Secure Sockets Layer toolkit",
                Scope = SbomComponentScope.Required, Purl = "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12",
                Licenses = [PackageLicense.FromSpdxId("Apache-2.0", "https://www.apache.org/licenses/LICENSE-2.0"), PackageLicense.FromName("OpenSSL custom")],
                Hashes = [new SbomHash(SbomHashAlgorithm.Sha384, new string('b', 96))],
                Properties = [new SbomProperty("securecontainers:layer:digest", "sha256:" + new string('c', 64))],
            },
            new()
            {
                Type = SbomComponentType.Framework, BomRef = "framework:Microsoft.NETCore.App@10.0.0", Name = "Microsoft.NETCore.App", Version = "10.0.0",
                Licenses = [PackageLicense.FromExpression("MIT AND (Apache-2.0 OR BSD-3-Clause)")],
                ExternalReferences = [new SbomExternalReference(SbomExternalReferenceType.Website, "https://dot.net"), new SbomExternalReference(SbomExternalReferenceType.Distribution, "https://example.com/dl")],
            },
            new() { Type = SbomComponentType.OperatingSystem, BomRef = "os:debian@12", Name = "debian", Version = "12", Scope = SbomComponentScope.Optional },
            new() { Type = SbomComponentType.File, BomRef = "file:/app/app.dll", Name = "/app/app.dll", Scope = SbomComponentScope.Excluded },
        ];
        document = document with
        {
            Components = [.. document.Components, .. extra],
            Dependencies = [.. document.Dependencies, .. extra.Select(c => new SbomDependency(c.BomRef!, []))],
            Metadata = document.Metadata with { Properties = [new SbomProperty("securecontainers:build", "test")] },
        };

        (int exitCode, string output) = Run(node, script, Save(SbomWriter.Write(document)));

        Assert.True(exitCode == 0, output);
    }

    [ValidatorTheory(SchemaValidator.CycloneDx)]
    [InlineData(CycloneDxSpecVersion.V1_5)]
    [InlineData(CycloneDxSpecVersion.V1_6)]
    [InlineData(CycloneDxSpecVersion.V1_7)]
    public void WholeImageSbomIsValidForEverySpecVersion(CycloneDxSpecVersion version)
    {
        (string node, string script) = Validator();

        // Every feature at once: nuspec metadata (authors, license id/expression/name+url), build-only packages,
        // OS packages with licenses, the OS, shared frameworks with CPEs, and a second image with runtime packs.
        using var packages = new TempPackagesFolder();
        packages.AddNuspec("Polly", "8.5.2", """<authors>App vNext</authors><license type="expression">BSD-3-Clause</license><description>Resilience.</description><projectUrl>https://www.thepollyproject.org/</projectUrl>""");
        packages.AddNuspec("Polly.Core", "8.5.2", """<license type="expression">BSD-3-Clause OR MIT</license>""");
        packages.AddNuspec("Newtonsoft.Json", "13.0.3", """<license type="file">LICENSE.md</license><repository type="git" url="https://github.com/JamesNK/Newtonsoft.Json" />""");
        packages.AddNuspec("System.CommandLine", "2.0.0", """<licenseUrl>https://example.com/license</licenseUrl>""");
        packages.AddNuspec("Microsoft.NETCore.App.Runtime.linux-x64", "10.0.0", """<authors>Microsoft</authors><license type="expression">MIT</license>""");
        packages.AddSha512("Microsoft.NETCore.App.Runtime.linux-x64", "10.0.0");
        SbomInputs debian = SbomTestInputs.Full() with
        {
            SpecVersion = version,
            NuGetPackageFolders = [packages.Root],
            BuildOnlyNuGetLibraries = SbomTestInputs.Closure().BuildOnlyLibraries,
            IncludeBuildDependencies = true,
        };
        SbomInputs alpine = SbomTestInputs.Full(SbomTestInputs.Report(
            new Core.Layers.OsRelease("alpine", "3.20.3", null, "Alpine Linux v3.20", new Dictionary<string, string>()),
            [
                new("apk", "musl", "1.2.5-r0", "x86_64", "musl", null, "MIT", [], SbomTestInputs.OsLayer),
                new("apk", "busybox", "1.36.1-r29", "x86_64", "busybox", null, "GPL-2.0-only AND BSD-2-Clause", ["musl"], SbomTestInputs.OsLayer),
                new("apk", "alpine-keys", "2.4-r1", "x86_64", null, null, "custom", [], SbomTestInputs.OsLayer),
            ],
            [])) with
        {
            SpecVersion = version,
            SelfContained = true,
            RuntimePacks = [new SbomRuntimePack("Microsoft.NETCore.App.Runtime.linux-x64", "10.0.0", "Microsoft.NETCore.App", packages.PackageDirectory("Microsoft.NETCore.App.Runtime.linux-x64", "10.0.0"))],
        };

        // deb licenses from copyright files: SPDX ids, "-or-later" ids, and names (public-domain, exception terms).
        string[] utilLinux = File.ReadAllLines(RepositoryRoot.Combine("tests", "SecureContainers.Core.Tests", "Layers", "TestData", "debian-copyright", "expected.tsv"))
            .Single(l => l.StartsWith("util-linux\t", StringComparison.Ordinal)).Split('\t')[1].Split('|');
        SbomInputs debianLicensed = SbomTestInputs.Full(SbomTestInputs.DebianBase(
        [
            new("deb", "util-linux", "2.38.1-5+deb12u3", "amd64", null, null, null, [], SbomTestInputs.OsLayer) { CopyrightLicenses = utilLinux },
            new("deb", "bash", "5.2.15-2+b13", "amd64", null, null, null, [], SbomTestInputs.OsLayer) { CopyrightLicenses = ["GPL-3+", "GPL-3+ with Bison exception", "GFDL-NIV-1.3"] },
        ])) with { SpecVersion = version };

        foreach (SbomInputs inputs in new[] { debian, alpine, debianLicensed })
        {
            (int exitCode, string output) = Run(node, script, Save(SbomWriter.Write(SbomBuilder.Build(inputs))), CycloneDxSpecVersions.ToText(version));

            Assert.True(exitCode == 0, output);
        }
    }

    [ValidatorFact(SchemaValidator.CycloneDx)]
    public void SpdxListMatchesTheOneTheSchemaEnforces()
    {
        (_, string script) = Validator();

        // license.id is checked against this enum; ids we write must be in it, and new SPDX ids should be picked up.
        string schema = Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "@cyclonedx", "cyclonedx-library", "res", "schema", "spdx.SNAPSHOT.schema.json");
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(schema));
        string[] enumIds = document.RootElement.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(enumIds, SpdxLicenseList.Ids.Order(StringComparer.Ordinal));
        Assert.Equal(SpdxLicenseList.Version, document.RootElement.GetProperty("$comment").GetString());
    }

    [ValidatorFact(SchemaValidator.CycloneDx)]
    public void ValidatorRejectsADocumentOutsideTheSchema()
    {
        (string node, string script) = Validator();

        // Proves the check above can fail: an unknown hash algorithm must be refused.
        string broken = Encoding.UTF8.GetString(SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Create()))).Replace("\"SHA-512\"", "\"SHA-513\"");

        (int exitCode, string output) = Run(node, script, Save(Encoding.UTF8.GetBytes(broken)));

        Assert.Equal(1, exitCode);
        Assert.Contains("hashes", output);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Save(byte[] content)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".cdx.json");
        File.WriteAllBytes(path, content);
        return path;
    }

    private static (string Node, string Script) Validator() => NodeValidator.Require(SchemaValidator.CycloneDx);

    private static (int ExitCode, string Output) Run(string node, string script, string file, string specVersion = "1.6") =>
        NodeValidator.Run(node, script, file, specVersion);
}
