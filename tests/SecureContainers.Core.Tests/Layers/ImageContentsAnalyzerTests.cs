using SecureContainers.Core.Layers;

namespace SecureContainers.Core.Tests.Layers;

public class ImageContentsAnalyzerTests
{
    private const UnixFileMode Exec = (UnixFileMode)0b111_101_101;

    [Fact]
    public async Task DebianMergedUsrImageReportsShellsPackagesAndUsersOnce()
    {
        Blob baseLayer = new TestLayer()
            .Dir("usr").Dir("usr/bin").Dir("usr/sbin").Symlink("bin", "usr/bin").Symlink("sbin", "usr/sbin")
            .File("usr/bin/dash", "", Exec).Symlink("usr/bin/sh", "dash").File("usr/bin/bash", "", Exec)
            .File("usr/bin/dpkg", "", Exec).File("usr/bin/apt-get", "", Exec)
            .File("usr/bin/su", "", Exec | UnixFileMode.SetUser).File("usr/bin/chage", "", Exec | UnixFileMode.SetGroup)
            .Dir("usr/lib").File("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")
            .Dir("etc").Symlink("etc/os-release", "../usr/lib/os-release")
            .File("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
            .Dir("var/lib/dpkg").File("var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nVersion: 2.36\nArchitecture: amd64\n\nPackage: dash\nStatus: install ok installed\nVersion: 0.5\nArchitecture: amd64\n")
            .Build();
        Blob appLayer = new TestLayer()
            .File("etc/passwd", "root:x:0:0:root:/root:/bin/bash\napp:x:1654:1654::/home/app:/bin/false\n")
            .Dir("var/lib/dpkg/status.d").File("var/lib/dpkg/status.d/libssl3", "Package: libssl3\nVersion: 3.0.15\nArchitecture: amd64\nSource: openssl\n")
            .File("var/lib/dpkg/status.d/libssl3.md5sums", "abc  usr/lib/x\n")
            .File("var/lib/dpkg/status.d/libc6", "Package: libc6\nVersion: 2.36-dup\nArchitecture: amd64\n")
            .Dir("usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0").File("usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/System.Private.CoreLib.dll")
            .File("usr/share/dotnet/shared/Microsoft.AspNetCore.App/10.0.0/Microsoft.AspNetCore.dll")
            .Build();

        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Blobs(baseLayer, appLayer));

        Assert.Equal(
            [("sh", "/bin/sh", "/usr/bin/dash"), ("bash", "/bin/bash", "/usr/bin/bash"), ("dash", "/bin/dash", "/usr/bin/dash")],
            report.Shells.Select(s => (s.Name, s.Path, s.ResolvedPath)));
        Assert.Equal(["apt-get", "dpkg"], report.PackageManagers.Select(p => p.Name).Order());
        Assert.Empty(report.RemoteAccessServers);
        Assert.Empty(report.PrivilegeEscalationTools);
        Assert.Equal(["/usr/bin/chage", "/usr/bin/su"], report.SetUidOrSetGidFiles.Select(f => f.Path));
        Assert.Equal(("debian", "12", "bookworm"), (report.OsRelease!.Id, report.OsRelease.VersionId, report.OsRelease.VersionCodename));
        Assert.True(report.TryGetUid("app", out long uid));
        Assert.Equal(1654, uid);

        // status comes first, so its libc6 wins over the duplicate in status.d; the md5sums list is no package.
        Assert.Equal([("libc6", "2.36"), ("dash", "0.5"), ("libssl3", "3.0.15")], report.Packages.Select(p => (p.Name, p.Version)));
        Assert.Equal(baseLayer.Ref.Digest, report.Packages[0].LayerDigest);
        Assert.Equal(appLayer.Ref.Digest, report.Packages[2].LayerDigest);

        Assert.Equal(
            [("Microsoft.AspNetCore.App", "10.0.0"), ("Microsoft.NETCore.App", "10.0.0")],
            report.DotNetFrameworks.Select(f => (f.Name, f.Version)));
        Assert.All(report.DotNetFrameworks, f => Assert.Equal(appLayer.Ref.Digest, f.LayerDigest));
        Assert.False(report.HasRpmDatabase);
    }

    [Fact]
    public async Task AlpineBusyboxImageReportsApkAndBusyboxShells()
    {
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(new TestLayer()
            .Dir("bin").File("bin/busybox", "", Exec).Symlink("bin/sh", "/bin/busybox").Symlink("bin/ash", "busybox")
            .Dir("sbin").File("sbin/apk", "", Exec)
            .Dir("usr/sbin").File("usr/sbin/sshd", "", Exec).Dir("usr/bin").File("usr/bin/sudo", "", Exec | UnixFileMode.SetUser)
            .File("etc/os-release", "ID=alpine\nVERSION_ID=3.20.3\n")
            .File("lib/apk/db/installed", "P:musl\nV:1.2.5-r0\nA:x86_64\nL:MIT\no:musl\n\nP:busybox\nV:1.36.1-r29\nA:x86_64\n\nP:musl\nV:9.9\nA:x86_64\n")));

        Assert.Equal(["sh", "ash", "busybox"], report.Shells.Select(s => s.Name));
        Assert.All(report.Shells, s => Assert.Equal("/bin/busybox", s.ResolvedPath));
        Assert.Equal("/sbin/apk", Assert.Single(report.PackageManagers).Path);
        Assert.Equal("/usr/sbin/sshd", Assert.Single(report.RemoteAccessServers).Path);
        Assert.Equal("/usr/bin/sudo", Assert.Single(report.PrivilegeEscalationTools).Path);
        Assert.Equal([("musl", "1.2.5-r0"), ("busybox", "1.36.1-r29")], report.Packages.Select(p => (p.Name, p.Version)));
        Assert.All(report.Packages, p => Assert.Equal("apk", p.Type));
        Assert.Equal("alpine", report.OsRelease!.Id);
    }

    [Fact]
    public async Task DistrolessImageHasNoShellAndDanglingShellLinkIsNotOne()
    {
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(new TestLayer()
            .Dir("bin").Symlink("bin/sh", "/bin/removed").File("etc/passwd", "nonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n")));

        Assert.False(report.HasShell);
        Assert.False(report.HasPackageManager);
        Assert.Null(report.OsRelease);
        Assert.Empty(report.Packages);
    }

    [Fact]
    public async Task WorldWritableOutsideTmpIsReportedButNotSymlinksTmpOrStickyLockDirectories()
    {
        const UnixFileMode sticky777 = (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit;
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(new TestLayer()
            .Dir("tmp", sticky777).Dir("tmp/sub", (UnixFileMode)0b111_111_111).Dir("var/tmp", sticky777)
            .Dir("run/lock", sticky777).Dir("var/lock", (UnixFileMode)0b111_111_111).File("app/config.json", "{}", (UnixFileMode)0b110_110_110)
            .Symlink("app/link", "/tmp").Dir("tmpfoo", (UnixFileMode)0b111_111_111)));

        // /run/lock is allowed only because it is sticky; the non-sticky /var/lock is reported.
        Assert.Equal(["/app/config.json", "/tmpfoo", "/var/lock"], report.WorldWritable.Select(w => w.Path));
    }

    [Fact]
    public async Task NdbOrBerkeleyDbRpmDatabaseIsWarnedAboutAsNotRead()
    {
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(new TestLayer()
            .Dir("usr/lib/sysimage/rpm").File("usr/lib/sysimage/rpm/Packages.db", "x").Symlink("var/lib/rpm", "../../usr/lib/sysimage/rpm")));

        Assert.True(report.HasRpmDatabase);
        Assert.Equal(["/usr/lib/sysimage/rpm/Packages.db"], report.RpmDatabases);
        Assert.Empty(report.Packages);
        Assert.Equal(["SC4012"], report.PackageDatabaseWarnings.Select(d => d.Code));
    }

    [Fact]
    public async Task UnreadableRpmSqliteDatabaseRefusesTheImageWithSC4031()
    {
        ImageFileSystem fs = await Scan.Layers(new TestLayer().Dir("var/lib/rpm").File("var/lib/rpm/rpmdb.sqlite", "x"));

        Assert.Equal("SC4031", Assert.Throws<SecureContainers.Core.Diagnostics.SecureContainerException>(() => ImageContentsAnalyzer.Analyze(fs)).Diagnostic.Code);
    }

    [Fact]
    public async Task AzureLinuxDistrolessManifestListsRpmPackagesWhenTheDatabaseWasDeleted()
    {
        // Two lines in the format Microsoft's distroless builder writes (rpm -qa --qf with ten tab-separated fields).
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(new TestLayer()
            .Dir("var/lib/rpmmanifest")
            .File("var/lib/rpmmanifest/container-manifest-1", "filesystem.1.1-21.azl3.x86_64\n")
            .File("var/lib/rpmmanifest/container-manifest-2",
                "filesystem\t1.1-21.azl3\t1730000000\t1720000000\tMicrosoft Corporation\t(none)\t0\tx86_64\t0\tfilesystem-1.1-21.azl3.src.rpm\n"
                + "tzdata\t2024b-1.azl3\t1730000000\t1720000000\tMicrosoft Corporation\t2\t1942\tnoarch\t2\ttzdata-2024b-1.azl3.src.rpm\n"
                + "incomplete\tline\n")));

        Assert.Equal([("filesystem", "1.1-21.azl3", null, "x86_64"), ("tzdata", "2:2024b-1.azl3", 2, "noarch")],
            report.Packages.Select(p => (p.Name, p.Version, p.Epoch, p.Architecture)));
        Assert.All(report.Packages, p => Assert.Equal(("rpm", "Microsoft Corporation"), (p.Type, p.Vendor)));
        Assert.Equal("tzdata-2024b-1.azl3.src.rpm", report.Packages[1].SourcePackage);
        Assert.False(report.HasRpmDatabase);
    }
}
