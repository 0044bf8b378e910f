using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Layers.Rpm;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Tests.Layers.Rpm;

public class HostileRpmDatabaseTests
{
    private const string Path = "/var/lib/rpm/rpmdb.sqlite";
    private static readonly Digest Layer = Digest.Sha256("layer"u8);

    private static byte[] Row(string name) => SqliteImage.PackageRow(RpmHeaderBlob.Strings(
        (RpmHeader.Name, name), (RpmHeader.Version, "1.0"), (RpmHeader.Release, "1"), (RpmHeader.Arch, "x86_64")));

    private static string Code(byte[] database) =>
        Assert.Throws<SecureContainerException>(() => RpmDatabaseReader.Read(database, Path, Layer)).Diagnostic.Code;

    [Fact]
    public void HandWrittenDatabaseWithAnInteriorPageIsRead()
    {
        // The control for the tests below: the same writer, undamaged, gives both rows in key order.
        byte[] database = new SqliteImage()
            .Page(2, SqliteImage.InteriorPage([(3, 1)], rightMost: 4))
            .Page(3, SqliteImage.LeafPage([SqliteImage.Cell(1, Row("first"))]))
            .Page(4, SqliteImage.LeafPage([SqliteImage.Cell(2, Row("second"))]))
            .ToBytes();

        IReadOnlyList<OsPackage> packages = RpmDatabaseReader.Read(database, Path, Layer);

        Assert.Equal([("first", "1.0-1", "x86_64"), ("second", "1.0-1", "x86_64")], packages.Select(p => (p.Name, p.Version, p.Architecture)));
    }

    [Fact]
    public void PointerToAPageCutOffTheEndIsRefused()
    {
        byte[] database = new SqliteImage()
            .Page(2, SqliteImage.InteriorPage([(3, 1)], rightMost: 9))
            .Page(3, SqliteImage.LeafPage([SqliteImage.Cell(1, Row("first"))]))
            .ToBytes();

        Assert.Equal("SC4031", Code(database));
    }

    [Fact]
    public void FileShorterThanItsHeaderDeclaresIsRefused()
    {
        byte[] database = new SqliteImage().Page(2, SqliteImage.LeafPage([SqliteImage.Cell(1, Row("a"))])).ToBytes(declaredPages: 5);

        Assert.Equal("SC4031", Code(database));
        Assert.Equal("SC4031", Code(database[..700]));
    }

    [Fact]
    public void CyclicPagePointersAreRefusedInsteadOfLooping()
    {
        byte[] selfLoop = new SqliteImage().Page(2, SqliteImage.InteriorPage([(2, 1)], rightMost: 2)).ToBytes();
        byte[] twoPageLoop = new SqliteImage()
            .Page(2, SqliteImage.InteriorPage([], rightMost: 3))
            .Page(3, SqliteImage.InteriorPage([], rightMost: 2))
            .ToBytes();

        Assert.Equal("SC4031", Code(selfLoop));
        Assert.Equal("SC4031", Code(twoPageLoop));
    }

    [Fact]
    public void OverflowChainThatLoopsIsRefused()
    {
        // A 1000-byte payload keeps its first bytes on the page and continues on page 3, which names itself as next.
        byte[] payload = new byte[1000];
        int local = 39; // minLocal for 512-byte pages: ((512 - 12) * 32 / 255) - 23, and (1000 - 39) % 508 + 39 > 477
        byte[] cell = [.. SqliteImage.Varint(1000), .. SqliteImage.Varint(1), .. payload[..local], .. SqliteImage.BigEndian(3)];
        byte[] overflow = new byte[SqliteImage.PageSize];
        SqliteImage.BigEndian(3).CopyTo(overflow, 0);
        byte[] database = new SqliteImage().Page(2, SqliteImage.LeafPage([cell])).Page(3, overflow).ToBytes();

        Assert.Equal("SC4031", Code(database));
    }

    [Fact]
    public void CellClaimingMoreThanTheFileIsRefused()
    {
        byte[] cell = [.. SqliteImage.Varint(ulong.MaxValue >> 1), .. SqliteImage.Varint(1), 0, 0, 0, 0];
        byte[] database = new SqliteImage().Page(2, SqliteImage.LeafPage([cell])).ToBytes();

        Assert.Equal("SC4031", Code(database));
    }

    [Fact]
    public void PageClaimingMoreCellsThanFitIsRefused()
    {
        byte[] database = new SqliteImage().Page(2, SqliteImage.LeafPage([SqliteImage.Cell(1, Row("a"))], claimedCells: 400)).ToBytes();

        Assert.Equal("SC4031", Code(database));
    }

    [Fact]
    public void RecordValueRunningPastItsPayloadIsRefused()
    {
        // A blob serial type of 200 bytes in a record that carries 4.
        byte[] record = [3, 0, .. SqliteImage.Varint(12 + (2 * 200)), 1, 2, 3, 4];
        byte[] database = new SqliteImage().Page(2, SqliteImage.LeafPage([SqliteImage.Cell(1, record)])).ToBytes();

        Assert.Equal("SC4031", Code(database));
    }

    [Fact]
    public void FilesThatAreNotSqliteOrHaveNoPackagesTableAreRefused()
    {
        // The schema names the table "Pockages" instead: a SQLite file, but not rpm's.
        byte[] noPackages = new SqliteImage().Page(2, SqliteImage.LeafPage([])).ToBytes();
        for (int i = noPackages.AsSpan().IndexOf("Packages"u8); i >= 0; i = noPackages.AsSpan().IndexOf("Packages"u8))
        {
            noPackages[i + 1] = (byte)'o';
        }

        Assert.Equal("SC4031", Code("not a database"u8.ToArray()));
        Assert.Equal("SC4031", Code(noPackages));
    }

    [Fact]
    public void HeaderBlobThatOverrunsItsDataStoreIsSC4032()
    {
        byte[] blob = RpmHeaderBlob.Strings((RpmHeader.Name, "a"), (RpmHeader.Version, "1"));
        RpmHeaderBlob.Int32(4000).CopyTo(blob, 8 + 16 + 8); // the version's offset, far past the data store
        byte[] truncatedBlob = blob[..20];

        Assert.Equal("SC4032", Code(new SqliteImage().Page(2, SqliteImage.LeafPage([SqliteImage.Cell(1, SqliteImage.PackageRow(blob))])).ToBytes()));
        Assert.Equal("SC4032", Code(new SqliteImage().Page(2, SqliteImage.LeafPage([SqliteImage.Cell(1, SqliteImage.PackageRow(truncatedBlob))])).ToBytes()));
    }

    [Fact]
    public async Task DatabaseAboveItsCapIsSC4030AndStopsTheScan()
    {
        LayerScanLimits limits = LayerScanLimits.Default with { MaxRpmDatabaseBytes = 1024 };
        Blob layer = new TestLayer().Dir("var/lib/rpm").File("var/lib/rpm/rpmdb.sqlite", new byte[2048]).Build();

        Assert.Equal("SC4030", await Scan.FailureCode(() => Scan.Blobs(limits, null, layer)));
    }

    [Fact]
    public async Task RepeatedDatabaseEntriesCountTogetherAgainstTheCap()
    {
        LayerScanLimits limits = LayerScanLimits.Default with { MaxRpmDatabaseBytes = 3000 };
        Blob layer = new TestLayer().Dir("var/lib/rpm")
            .File("var/lib/rpm/rpmdb.sqlite", new byte[2048]).File("var/lib/rpm/rpmdb.sqlite", new byte[2048]).Build();

        Assert.Equal("SC4030", await Scan.FailureCode(() => Scan.Blobs(limits, null, layer)));
    }
}
