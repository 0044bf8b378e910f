using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Problems found while reading an image's layers or its contents (SC40xx). Every hostile or unreadable layer maps
/// to one of these; no other exception type leaves the layer scanner except cancellation.
/// </summary>
public static class LayerDiagnostics
{
    public static readonly DiagnosticDescriptor UnsupportedLayerCompression = new("SC4001", DiagnosticSeverity.Error,
        "Layer {0} has media type '{1}': unsupported layer compression ({2}). SecureContainers reads gzip-compressed and uncompressed tar layers only, so it cannot check this base image; re-push the base image with gzip layers (for example `skopeo copy --dest-compress-format gzip docker://SRC docker://DEST`) or pick a tag published with gzip layers.");

    public static readonly DiagnosticDescriptor UnsafeEntryPath = new("SC4002", DiagnosticSeverity.Error,
        "Layer {0} contains the entry '{1}', whose path {2}. Such an entry can write outside the image root when the layer is extracted (path traversal), so the image is refused; do not use this base image and report it to its publisher.");

    public static readonly DiagnosticDescriptor UnsafeSymbolicLink = new("SC4003", DiagnosticSeverity.Error,
        "Resolving '{0}' in the image failed: {1}. A link that leaves the image root or never ends can make tools read host files or hang, so the image is refused; fix or remove the link in the base image.");

    public static readonly DiagnosticDescriptor MissingHardLinkTarget = new("SC4004", DiagnosticSeverity.Error,
        "Layer {0} contains the hard link '{1}' to '{2}', which no entry in this or a lower layer provides. The layer is malformed or crafted to confuse extraction, so the image is refused; rebuild the base image with a standard tool.");

    public static readonly DiagnosticDescriptor CorruptLayer = new("SC4005", DiagnosticSeverity.Error,
        "Layer {0} could not be read as a {1} archive: {2}. The layer is truncated or corrupt, so the image's contents cannot be checked; pull the image again, and if it persists re-push the base image from a good copy.");

    public static readonly DiagnosticDescriptor LayerDigestMismatch = new("SC4006", DiagnosticSeverity.Error,
        "Layer {0} does not match its digest: {1}. The registry or a proxy served altered or incomplete content, so nothing in it is trusted; pull again, and if it persists inspect the registry and the network path.");

    public static readonly DiagnosticDescriptor LayerTooLarge = new("SC4007", DiagnosticSeverity.Error,
        "Layer {0} expands to more than {1} bytes. Compressed layers that expand without bound (decompression bombs) could exhaust the machine, so scanning stopped; if the layer is legitimately this large, raise the per-layer limit (LayerScanLimits.MaxUncompressedBytesPerLayer).");

    public static readonly DiagnosticDescriptor ImageTooLarge = new("SC4008", DiagnosticSeverity.Error,
        "The layers of the image expand to more than {0} bytes in total (stopped at layer {1}). Scanning stopped to protect the machine; if the image is legitimately this large, raise the per-image limit (LayerScanLimits.MaxUncompressedBytesPerImage).");

    public static readonly DiagnosticDescriptor TooManyEntries = new("SC4009", DiagnosticSeverity.Error,
        "Layer {0} has more than {1} entries. A layer with that many files is almost certainly crafted to exhaust memory, so scanning stopped; if it is legitimate, raise the limit (LayerScanLimits.MaxEntriesPerLayer).");

    public static readonly DiagnosticDescriptor CapturedFileTooLarge = new("SC4010", DiagnosticSeverity.Error,
        "Layer {0} contains '{1}' of {2} bytes, above the {3}-byte limit for files SecureContainers reads (user, OS and package databases). Such a file is implausibly large and could exhaust memory; if it is legitimate, raise the limit (LayerScanLimits.MaxCapturedFileBytes).");

    public static readonly DiagnosticDescriptor LayerReadFailed = new("SC4011", DiagnosticSeverity.Error,
        "Reading layer {0} failed: {1}. The image's contents could not be checked; retry the build, and if it persists check the registry and the network path.");

    public static readonly DiagnosticDescriptor RpmDatabaseFormatNotRead = new("SC4012", DiagnosticSeverity.Warning,
        "The image contains an RPM package database in the BerkeleyDB or ndb format ({0}), which SecureContainers does not read (it reads the sqlite database of rpm 4.16 and later), so the SBOM and vulnerability checks miss its packages. Use a base whose rpm keeps rpmdb.sqlite (Azure Linux 3, Fedora 33+, RHEL 9), convert the database while building the base (`rpmdb --rebuilddb --define '_db_backend sqlite'`), or inventory its packages with another tool.");

    public static readonly DiagnosticDescriptor RpmDatabaseTooLarge = new("SC4030", DiagnosticSeverity.Error,
        "Layer {0} contains the rpm database '{1}' of {2} bytes, above the {3}-byte limit for rpm databases. It is read whole into memory, so a larger one could exhaust the machine; if it is legitimate, raise the limit (LayerScanLimits.MaxRpmDatabaseBytes).");

    public static readonly DiagnosticDescriptor CorruptRpmDatabase = new("SC4031", DiagnosticSeverity.Error,
        "The rpm database '{0}' (layer {1}) cannot be read as a SQLite rpm database: {2}. Its package list cannot be trusted to be complete, so the image is refused; rebuild the base image (for example `rpmdb --rebuilddb`), or report it to its publisher if the base is published that way.");

    public static readonly DiagnosticDescriptor CorruptRpmHeader = new("SC4032", DiagnosticSeverity.Error,
        "Package record {2} of the rpm database '{0}' (layer {1}) is not a valid rpm header: {3}. A package that cannot be read would be missing from the SBOM, so the image is refused; rebuild the base image's rpm database (`rpmdb --rebuilddb`) or report it to its publisher.");

    public static readonly DiagnosticDescriptor RpmWriteAheadLogNotRead = new("SC4033", DiagnosticSeverity.Warning,
        "The rpm database's write-ahead log '{0}' holds {1} bytes that were never checkpointed into the database, and SecureContainers reads the database file only, so packages installed or removed last may be missing or listed wrongly. Let rpm exit cleanly when building the base image (closing the database checkpoints the log), or rebuild the database there with `rpmdb --rebuilddb`.");

    public static readonly DiagnosticDescriptor MalformedDebianCopyright = new("SC4037", DiagnosticSeverity.Message,
        "{1} Debian package(s) declare a machine-readable copyright file (copyright-format 1.0) that does not follow its syntax: {0}. Their licenses are left out of the SBOM (unknown) rather than guessed. Nothing in your project needs to change; to get the licenses, report the file to the package's maintainer, or use a base whose packages ship a well-formed copyright file.");

    public static readonly DiagnosticDescriptor DebianCopyrightTooLarge = new("SC4038", DiagnosticSeverity.Message,
        "The copyright files of {1} Debian package(s) were not read because they exceed the per-file or per-layer cap for copyright files (LayerScanLimits.MaxCopyrightFileBytes, MaxCopyrightBytesPerLayer): {0}. Their licenses are left out of the SBOM (unknown). If the files are legitimate, raise those limits; nothing else in your project needs to change.");
    public static readonly DiagnosticDescriptor CorruptChiselManifest = new("SC4034", DiagnosticSeverity.Warning,
        "Chisel's manifest '{0}' (layer {1}) cannot be read: {2}. The SBOM does not say which slices of each package the image holds, and lists only the packages /var/lib/dpkg/status.d names; rebuild the base image with chisel (`chisel cut` writes the manifest when a slice with `generate: manifest` is cut, as base-files_chisel is), or report it to its publisher.");

    public static readonly DiagnosticDescriptor ChiselManifestTooLarge = new("SC4035", DiagnosticSeverity.Warning,
        "Chisel's manifest '{0}' (layer {1}) expands to more than {2} bytes, so it was not read (a zstd stream that expands without bound could exhaust memory). The SBOM does not say which slices of each package the image holds; if the manifest is legitimately this large, raise the limit (LayerScanLimits.MaxChiselManifestBytes).");

    public static readonly DiagnosticDescriptor UnsupportedChiselManifest = new("SC4036", DiagnosticSeverity.Warning,
        "Chisel's manifest '{0}' (layer {1}) is in a format this version does not read: {2}. SecureContainers reads jsonwall 1.x with manifest schema 1.0, as chisel 1.x writes it, so the SBOM does not say which slices of each package the image holds; update SecureContainers, or cut the base image with a chisel release that writes schema 1.0.");
}
