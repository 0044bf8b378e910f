namespace SecureContainers.Core.Layers;

/// <summary>
/// Caps that keep a scan's memory and time bounded whatever a layer contains. Exceeding any of them is a coded error
/// (SC4007–SC4010), never a silent truncation, because a partial view could hide a root shell or a package.
/// </summary>
public sealed record LayerScanLimits
{
    public static LayerScanLimits Default { get; } = new();

    /// <summary>Bytes of tar stream one layer may expand to (decompression-bomb guard). Default 8 GiB.</summary>
    public long MaxUncompressedBytesPerLayer { get; init; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Bytes of tar stream all layers together may expand to. Default 32 GiB.</summary>
    public long MaxUncompressedBytesPerImage { get; init; } = 32L * 1024 * 1024 * 1024;

    /// <summary>Tar entries (whiteouts included) one layer may hold; each costs memory. Default 1,000,000.</summary>
    public int MaxEntriesPerLayer { get; init; } = 1_000_000;

    /// <summary>
    /// Largest file whose content is kept (passwd, os-release, package databases). Default 8 MiB: a dpkg status file
    /// of a full Ubuntu image passes 1 MiB, so a smaller cap would reject ordinary images.
    /// </summary>
    public int MaxCapturedFileBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// Largest rpm sqlite database read (whole, into memory). Default 64 MiB: Azure Linux and UBI bases hold a few MiB,
    /// a full Fedora install some tens; a SQLite file cannot be read in a stream, so it gets its own cap.
    /// </summary>
    public int MaxRpmDatabaseBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// Largest Debian copyright file (<c>/usr/share/doc/&lt;package&gt;/copyright</c>) read for licenses. Default 1 MiB:
    /// Debian 12's base and library packages stay under 100 KiB. A larger one is skipped (SC4038), not an error.
    /// </summary>
    public int MaxCopyrightFileBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Copyright file content kept from one layer in total, apart from <see cref="MaxCapturedBytesPerLayer"/>. Default
    /// 16 MiB (a desktop install of a few thousand packages); files past it, in tar order, are skipped (SC4038).
    /// </summary>
    public long MaxCopyrightBytesPerLayer { get; init; } = 16L * 1024 * 1024;
    /// Largest chisel manifest (<c>manifest.wall</c>) once zstd-decompressed; the compressed file counts as any captured
    /// file. Default 64 MiB: a chiseled .NET base's manifest is tens of KiB, and beyond the cap the manifest is skipped
    /// with SC4035 rather than read.
    /// </summary>
    public int MaxChiselManifestBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Content kept from one layer in total (status.d can hold thousands of files). Default 64 MiB.</summary>
    public long MaxCapturedBytesPerLayer { get; init; } = 64L * 1024 * 1024;
}
