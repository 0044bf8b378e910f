using System.Diagnostics;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Layers.Rpm;
using SecureContainers.Core.Oci;
using SecureContainers.TestUtilities;

namespace SecureContainers.Core.Tests.Layers.Rpm;

/// <summary>
/// Against databases rpm itself writes: eng/testbed/rpm/make-rootfs.sh builds the test bed's spec files with rpmbuild
/// and installs them with the sqlite backend, and <c>rpm -qa</c> on the same root is the expected answer.
/// </summary>
public class RpmDatabaseTests
{
    private const string DatabasePath = "/var/lib/rpm/rpmdb.sqlite";
    private static readonly Digest Layer = Digest.Sha256("layer"u8);
    private static readonly Lazy<string> Root = new(BuildRoot);

    [ToolFact("rpmbuild")]
    public void InventoryEqualsRpmQueryAll()
    {
        IReadOnlyList<OsPackage> packages = RpmDatabaseReader.Read(Database(), DatabasePath, Layer);

        string[] expected = QueryAll("%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH}\\n");
        string[] actual = packages.Select(p =>
        {
            string vr = p.Epoch is int e ? p.Version[(e.ToString().Length + 1)..] : p.Version;
            int dash = vr.LastIndexOf('-');
            return $"{p.Name} {p.Epoch?.ToString() ?? "(none)"} {vr[..dash]} {vr[(dash + 1)..]} {p.Architecture}";
        }).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(43, expected.Length);
        Assert.Equal(expected, actual);
    }

    [ToolFact("rpmbuild")]
    public void LicenseSourceVendorAndDigestsEqualWhatRpmPrints()
    {
        IReadOnlyList<OsPackage> packages = RpmDatabaseReader.Read(Database(), DatabasePath, Layer);

        string[] expected = QueryAll("%{NAME}|%{LICENSE}|%{SOURCERPM}|%{VENDOR}|%{SIGMD5}|%{SHA256HEADER}\\n");
        string[] actual = packages
            .Select(p => $"{p.Name}|{p.License}|{p.SourcePackage}|{p.Vendor}|{p.Digests["sigmd5"]}|{p.Digests["sha256header"]}")
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, actual);
        Assert.Contains("sc-libfoo|Apache-2.0 AND (MIT OR BSD-3-Clause)|sc-libfoo-2.4.1-7.azl3.src.rpm|Microsoft Corporation|", actual[1]);
    }

    [ToolFact("rpmbuild")]
    public void RequirementsResolveToTheInstalledProvidersByCapabilityFileAndName()
    {
        Dictionary<string, OsPackage> packages = RpmDatabaseReader.Read(Database(), DatabasePath, Layer).ToDictionary(p => p.Name);

        // libfoo.so.1()(64bit) → sc-libfoo, /usr/bin/sc-sh → sc-filesystem (owns the file), sc-filesystem by name.
        Assert.Equal(["sc-filesystem", "sc-libfoo"], packages["sc-tools"].Depends.Order());
        Assert.Equal(["sc-tools"], packages["sc-tools-part07"].Depends);
        Assert.Empty(packages["sc-filesystem"].Depends);
    }

    [ToolFact("rpmbuild")]
    public async Task ImageWithTheDatabaseBehindASymlinkListsRpmPackagesOnce()
    {
        // Fedora's layout: the database lives in /usr/lib/sysimage/rpm and /var/lib/rpm links there.
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(new TestLayer()
            .Dir("etc").File("etc/os-release", "ID=azurelinux\nVERSION_ID=\"3.0\"\n")
            .Dir("usr/lib/sysimage/rpm").File("usr/lib/sysimage/rpm/rpmdb.sqlite", Database())
            .File("usr/lib/sysimage/rpm/rpmdb.sqlite-wal", "")
            .Dir("var/lib").Symlink("var/lib/rpm", "../../usr/lib/sysimage/rpm")));

        Assert.Equal(43, report.Packages.Count);
        Assert.All(report.Packages, p => Assert.Equal("rpm", p.Type));
        Assert.Empty(report.PackageDatabaseWarnings);
    }

    [ToolFact("rpmbuild")]
    public async Task WriteAheadLogWithContentIsReportedAsSC4033()
    {
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(new TestLayer()
            .Dir("var/lib/rpm").File("var/lib/rpm/rpmdb.sqlite", Database()).File("var/lib/rpm/rpmdb.sqlite-wal", new byte[4128])));

        Assert.Equal(43, report.Packages.Count);
        Assert.Equal(["SC4033"], report.PackageDatabaseWarnings.Select(d => d.Code));
    }

    [ToolFact("rpmbuild")]
    public void RealDatabaseCutShortIsSC4031()
    {
        byte[] database = Database();

        SecureContainerException e = Assert.Throws<SecureContainerException>(() =>
            RpmDatabaseReader.Read(database[..(database.Length / 2 / 4096 * 4096)], DatabasePath, Layer));
        Assert.Equal("SC4031", e.Diagnostic.Code);
    }

    private static byte[] Database() => File.ReadAllBytes(Path.Combine(Root.Value, "var/lib/rpm/rpmdb.sqlite"));

    private static string[] QueryAll(string format) =>
        Run("rpm", "-qa", "--root", Root.Value, "--dbpath", "/var/lib/rpm", "--qf", format)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();

    private static string BuildRoot()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sc-rpmdb-" + Guid.NewGuid().ToString("N"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind costs nothing but space.
            }
        };
        Run("bash", RepositoryRoot.Combine("eng", "testbed", "rpm", "make-rootfs.sh"), Path.Combine(dir, "root"), Path.Combine(dir, "build"));
        return Path.Combine(dir, "root");
    }

    private static string Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
        return output;
    }
}
