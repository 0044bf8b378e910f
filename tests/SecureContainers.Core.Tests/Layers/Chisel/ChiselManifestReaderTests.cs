using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Layers.Chisel;
using SecureContainers.Core.Oci;
using SecureContainers.TestUtilities;

namespace SecureContainers.Core.Tests.Layers.Chisel;

public class ChiselManifestReaderTests
{
    private const string Path = InterestingFiles.ChiselManifest;
    private static readonly Digest Layer = Digest.Sha256("chisel-layer"u8);
    private static readonly int Cap = LayerScanLimits.Default.MaxChiselManifestBytes;

    [Fact]
    public void ManifestListsEachPackageWithItsSlicesSorted()
    {
        List<Diagnostic> warnings = [];

        ChiselManifest manifest = ChiselManifestReader.Read(ChiselWall.Manifest(), Path, Layer, Cap, warnings)!;

        Assert.Empty(warnings);
        Assert.Equal(
        [
            new ChiselPackage("base-files", "12.4+deb12u11", "amd64", ChiselWall.BaseFilesSha, ["base-files_base", "base-files_chisel", "base-files_release-info"]),
            new ChiselPackage("libc6", "2.36-9+deb12u10", "amd64", ChiselWall.LibcSha, ["libc6_libs"]),
            new ChiselPackage("zlib1g", "1:1.2.13.dfsg-1", "amd64", ChiselWall.ZlibSha, ["zlib1g_libs"]),
        ],
        manifest.Packages, new ChiselPackageComparer());
    }

    [Fact]
    public void EmptyManifestHasNoPackages()
    {
        List<Diagnostic> warnings = [];

        ChiselManifest? manifest = ChiselManifestReader.Read(ChiselWall.Manifest([]), Path, Layer, Cap, warnings);

        Assert.Empty(warnings);
        Assert.Empty(manifest!.Packages);
    }

    /// <summary>The zstd tool, not our own encoder, compresses it: the format chisel's Go encoder writes is plain zstd.</summary>
    [ToolFact("zstd")]
    public void ManifestCompressedByTheZstdToolIsRead()
    {
        string dir = Directory.CreateTempSubdirectory("sc-chisel-").FullName;
        try
        {
            string text = System.IO.Path.Combine(dir, "manifest.wall.txt");
            File.WriteAllText(text, ChiselWall.Text());
            using (Process zstd = Process.Start(new ProcessStartInfo("zstd", ["-q", "-19", "-o", text + ".zst", text]))!)
            {
                zstd.WaitForExit();
                Assert.Equal(0, zstd.ExitCode);
            }

            List<Diagnostic> warnings = [];
            ChiselManifest? manifest = ChiselManifestReader.Read(File.ReadAllBytes(text + ".zst"), Path, Layer, Cap, warnings);

            Assert.Empty(warnings);
            Assert.Equal(["base-files", "libc6", "zlib1g"], manifest!.Packages.Select(p => p.Name));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("""{"jsonwall":"2.0","schema":"1.0","count":18}""", "jsonwall version '2.0'")]
    [InlineData("""{"jsonwall":"1.0","schema":"2.0","count":18}""", "manifest schema '2.0'")]
    [InlineData("""{"jsonwall":"1.0","count":18}""", "no manifest schema")]
    public void AnotherJsonwallVersionOrSchemaIsSC4036(string header, string detail)
    {
        Diagnostic warning = Rejected(ChiselWall.Manifest(header: header));

        Assert.Equal("SC4036", warning.Code);
        Assert.Contains(detail, warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "line 1 is not JSON")]
    [InlineData("""["jsonwall","1.0"]""", "line 1 is not a JSON object")]
    [InlineData("""{"schema":"1.0","count":18}""", "not a jsonwall header")]
    [InlineData("""{"jsonwall":"1.0","schema":"1.0"}""", "no valid line count")]
    [InlineData("""{"jsonwall":"1.0","schema":"1.0","count":"18"}""", "no valid line count")]
    public void MalformedHeaderIsSC4034(string header, string detail)
    {
        Diagnostic warning = Rejected(ChiselWall.Manifest(header: header));

        Assert.Equal("SC4034", warning.Code);
        Assert.Contains(detail, warning.Message, StringComparison.Ordinal);
    }

    /// <summary>The count is what tells a manifest cut short at a line boundary from a whole one.</summary>
    [Fact]
    public void ManifestWithFewerLinesThanItsHeaderCountsIsSC4034()
    {
        string[] truncated = ChiselWall.Entries[..^3];

        Diagnostic warning = Rejected(ChiselWall.Manifest(truncated, header: $$"""{"jsonwall":"1.0","schema":"1.0","count":{{ChiselWall.Entries.Length + 1}}}"""));

        Assert.Equal("SC4034", warning.Code);
        Assert.Contains($"counts {ChiselWall.Entries.Length + 1} lines but it has {truncated.Length + 1}", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind":"package","name":"libc6",""", "line 7 is not JSON")]
    [InlineData("", "line 7 is not JSON")]
    [InlineData("""{"name":"libc6"}""", "line 7 has no 'kind'")]
    [InlineData("""{"kind":"package","name":"libc6","version":"2.36","arch":"amd64"}""", "line 7 has no 'sha256'")]
    [InlineData("""{"kind":"package","name":"libc6","version":"2.36","sha256":"abc","arch":"amd64"}""", "has sha256 'abc', not 64 hex digits")]
    [InlineData("""{"kind":"package","name":"libc6","version":"1","sha256":"2222222222222222222222222222222222222222222222222222222222222222","arch":"amd64"}""", "line 8: package 'libc6' is listed twice")]
    public void BadEntryLineIsSC4034(string line, string detail)
    {
        string[] entries = [.. ChiselWall.Entries];
        entries[5] = line;

        Diagnostic warning = Rejected(ChiselWall.Manifest(entries));

        Assert.Equal("SC4034", warning.Code);
        Assert.Contains(detail, warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind":"slice","name":"bash_bins"}""", "slice 'bash_bins' refers to package 'bash', which the manifest does not list")]
    [InlineData("""{"kind":"slice","name":"libc6"}""", "slice 'libc6' is not of the form package_slice")]
    [InlineData("""{"kind":"content","slice":"libc6_bins","path":"/usr/bin/ldd"}""", "refers to slice 'libc6_bins', which the manifest does not list")]
    [InlineData("""{"kind":"path","path":"/usr/bin/ldd","mode":"0755","slices":["libc6_bins"]}""", "refers to slice 'libc6_bins', which the manifest does not list")]
    [InlineData("""{"kind":"path","path":"/usr/bin/ldd","mode":"0755"}""", "a path entry names no slices")]
    public void EntriesThatDoNotHangTogetherAreSC4034(string extra, string detail)
    {
        Diagnostic warning = Rejected(ChiselWall.Manifest([.. ChiselWall.Entries, extra]));

        Assert.Equal("SC4034", warning.Code);
        Assert.Contains(detail, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KindsSchema10DoesNotDefineAreIgnored()
    {
        List<Diagnostic> warnings = [];

        ChiselManifest? manifest = ChiselManifestReader.Read(ChiselWall.Manifest([.. ChiselWall.Entries, """{"kind":"zz-future","x":1}"""]), Path, Layer, Cap, warnings);

        Assert.Empty(warnings);
        Assert.Equal(3, manifest!.Packages.Count);
    }

    [Fact]
    public void ManifestThatIsNotZstdIsSC4034()
    {
        byte[] plain = Encoding.UTF8.GetBytes(ChiselWall.Text());
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        Assert.All(new[] { plain, gzipped.ToArray(), Array.Empty<byte>() }, bytes =>
        {
            Diagnostic warning = Rejected(bytes);
            Assert.Equal("SC4034", warning.Code);
            Assert.Contains("not zstd-compressed", warning.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void TruncatedOrCorruptZstdIsSC4034()
    {
        byte[] manifest = ChiselWall.Manifest();
        byte[] corrupt = [.. manifest];
        corrupt[^5] ^= 0xFF;
        corrupt[10] ^= 0xFF;

        Assert.All(new[] { manifest[..(manifest.Length / 2)], corrupt }, bytes =>
        {
            Diagnostic warning = Rejected(bytes);
            Assert.Equal("SC4034", warning.Code);
        });
    }

    /// <summary>
    /// 256 MiB of newlines compress to a few KiB: the reader stops at the cap instead of inflating them, so what it
    /// allocates stays near the cap, not near the claimed size.
    /// </summary>
    [Fact]
    public void ZstdBombBeyondTheCapIsSC4035AndIsNotInflated()
    {
        byte[] bomb = BombOf(256 * 1024 * 1024);
        const int cap = 1024 * 1024;
        List<Diagnostic> warnings = [];
        long before = GC.GetAllocatedBytesForCurrentThread();

        ChiselManifest? manifest = ChiselManifestReader.Read(bomb, Path, Layer, cap, warnings);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Null(manifest);
        Assert.Equal("SC4035", Assert.Single(warnings).Code);
        Assert.Contains($"more than {cap} bytes", warnings[0].Message, StringComparison.Ordinal);
        Assert.True(bomb.Length < 64 * 1024, $"bomb is {bomb.Length} bytes");
        Assert.True(allocated < 16L * cap, $"allocated {allocated} bytes for a {cap}-byte cap");
    }

    /// <summary>
    /// Hostile bytes: every mutation of a valid manifest (flipped bytes, cuts, inserted garbage, in the zstd frame or in
    /// the text before compression) gives a manifest or one coded warning, never another exception.
    /// </summary>
    [Fact]
    public void MutatedManifestsGiveAManifestOrOneWarningAndNeverThrow()
    {
        var random = new Random(4034);
        byte[] compressed = ChiselWall.Manifest();
        byte[] text = Encoding.UTF8.GetBytes(ChiselWall.Text());
        for (int i = 0; i < 3000; i++)
        {
            bool inText = i % 2 == 1;
            byte[] mutated = Mutate(inText ? text : compressed, random);
            byte[] input = inText ? ChiselWall.Compress(mutated) : mutated;
            List<Diagnostic> warnings = [];

            ChiselManifest? manifest = ChiselManifestReader.Read(input, Path, Layer, Cap, warnings);

            Assert.True(manifest is null ? warnings.Count == 1 : warnings.Count == 0, $"mutation {i}");
            Assert.All(warnings, w => Assert.Contains(w.Code, new[] { "SC4034", "SC4036" }));
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        List<byte> bytes = [.. original];
        for (int n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0:
                    bytes[at] ^= (byte)random.Next(1, 256);
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 8)).Select(_ => (byte)random.Next(256)));
                    break;
            }
        }

        return [.. bytes];
    }

    private static byte[] BombOf(int size)
    {
        var output = new MemoryStream();
        using (var zstd = new ZstdSharp.CompressionStream(output, 19, leaveOpen: true))
        {
            byte[] chunk = new byte[1024 * 1024];
            Array.Fill(chunk, (byte)'\n');
            for (int written = 0; written < size; written += chunk.Length)
            {
                zstd.Write(chunk);
            }
        }

        return output.ToArray();
    }

    private static Diagnostic Rejected(byte[] manifest)
    {
        List<Diagnostic> warnings = [];
        Assert.Null(ChiselManifestReader.Read(manifest, Path, Layer, Cap, warnings));
        Diagnostic warning = Assert.Single(warnings);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains(Path, warning.Message, StringComparison.Ordinal);
        Assert.Contains(Layer.ToString(), warning.Message, StringComparison.Ordinal);
        return warning;
    }

    /// <summary>Records compare lists by reference; compare slices by content.</summary>
    private sealed class ChiselPackageComparer : IEqualityComparer<ChiselPackage>
    {
        public bool Equals(ChiselPackage? x, ChiselPackage? y) =>
            x is not null && y is not null && (x.Name, x.Version, x.Architecture, x.Sha256) == (y.Name, y.Version, y.Architecture, y.Sha256)
            && x.Slices.SequenceEqual(y.Slices);

        public int GetHashCode(ChiselPackage obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
