using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Oci;
using ZstdSharp;

namespace SecureContainers.Cli.Tests.Commands;

/// <summary>`sbom generate` on a chiseled image: slices in the SBOM, and a manifest it cannot read said as a warning.</summary>
public sealed class SbomGenerateChiselTests : IDisposable
{
    private const string Repo = "team/chiseled";
    private const string LibcSha = "1111111111111111111111111111111111111111111111111111111111111111";
    private readonly CliHarness _cli = new();

    public void Dispose()
    {
        if (Directory.Exists(_cli.LayerCacheDirectory))
        {
            Directory.Delete(_cli.LayerCacheDirectory, recursive: true);
        }
    }

    private static byte[] Manifest() => new Compressor().Wrap(Encoding.UTF8.GetBytes(
        """{"jsonwall":"1.0","schema":"1.0","count":4}""" + "\n" +
        """{"kind":"content","slice":"libc6_libs","path":"/usr/lib/x86_64-linux-gnu/libc.so.6"}""" + "\n" +
        $$"""{"kind":"package","name":"libc6","version":"2.39-0ubuntu8.4","sha256":"{{LibcSha}}","arch":"amd64"}""" + "\n" +
        """{"kind":"slice","name":"libc6_libs"}""" + "\n")).ToArray();

    private static byte[] ChiseledLayer(byte[] manifest)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach ((string path, byte[] content) in new[]
            {
                ("etc/passwd", "app:x:1654:1654::/home/app:/usr/sbin/nologin\n"u8.ToArray()),
                ("etc/os-release", "ID=ubuntu\nVERSION_ID=\"24.04\"\n"u8.ToArray()),
                ("var/lib/dpkg/status.d/libc6", "Package: libc6\nVersion: 2.39-0ubuntu8.4\nArchitecture: amd64\n"u8.ToArray()),
                ("var/lib/chisel/manifest.wall", manifest),
            })
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { Mode = (UnixFileMode)0b110_100_100, DataStream = new MemoryStream(content) });
            }
        }

        var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(tar.ToArray());
        }

        return gz.ToArray();
    }

    [Fact]
    public async Task SbomGenerateGivesTheChiseledPackageItsSlicesOnce()
    {
        _cli.Registry.AddImage(Repo, "1.0", new Platform("linux", "amd64"), "1654", layers: [ChiseledLayer(Manifest())]);

        CliResult result = await _cli.RunAsync("sbom", "generate", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.True(result.ExitCode == ExitCode.Success, result.Error);
        Assert.DoesNotContain("SC403", result.Error, StringComparison.Ordinal);
        JsonElement libc = Assert.Single(JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("components").EnumerateArray(),
            c => c.GetProperty("name").GetString() == "libc6");
        Assert.Contains(libc.GetProperty("properties").EnumerateArray(),
            p => p.GetProperty("name").GetString() == "securecontainers:chisel:slices" && p.GetProperty("value").GetString() == "libc6_libs");
        Assert.Equal(LibcSha, Assert.Single(libc.GetProperty("hashes").EnumerateArray()).GetProperty("content").GetString());
    }

    [Fact]
    public async Task SbomGenerateWarnsWithSC4034WhenTheManifestCannotBeRead()
    {
        _cli.Registry.AddImage(Repo, "1.0", new Platform("linux", "amd64"), "1654", layers: [ChiseledLayer("{}"u8.ToArray())]);

        CliResult result = await _cli.RunAsync("sbom", "generate", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.True(result.ExitCode == ExitCode.Success, result.Error);
        Assert.Contains("warning SC4034:", result.Error, StringComparison.Ordinal);
        Assert.Contains(JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("components").EnumerateArray(),
            c => c.GetProperty("name").GetString() == "libc6");
    }
}
