using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers.Rpm;

/// <summary>
/// Lists the packages of rpm's sqlite database (rpm 4.16+, lib/backend/sqlite.c): table <c>Packages</c> with columns
/// <c>hnum INTEGER PRIMARY KEY</c> and <c>blob</c>, one rpm header a row. The index tables rpm keeps beside it are
/// derived data and not read. <c>gpg-pubkey</c> entries are imported signing keys, not software, and are skipped
/// (Azure Linux's own manifest skips them too). Throws SC4031/SC4032 for a database or header that cannot be read.
/// </summary>
public static class RpmDatabaseReader
{
    private const string PackagesTable = "Packages";
    private const string PublicKeyPseudoPackage = "gpg-pubkey";

    public static IReadOnlyList<OsPackage> Read(byte[] database, string path, Digest layerDigest)
    {
        ArgumentNullException.ThrowIfNull(database);
        var headers = new List<RpmHeader>();
        try
        {
            SqliteFile file = SqliteFile.Open(database);
            uint root = file.FindTableRoot(PackagesTable)
                ?? throw new SqliteFormatException($"it has no '{PackagesTable}' table");
            foreach (SqliteRow row in file.ReadTable(root))
            {
                // The blob is the first non-key column; hnum, the INTEGER PRIMARY KEY, is the rowid and stored as null.
                if (row.Values.Count < 2 || row.Values[1] is not byte[] blob)
                {
                    throw new SqliteFormatException($"row {row.RowId} of '{PackagesTable}' has no header blob");
                }

                try
                {
                    headers.Add(RpmHeader.Parse(blob));
                }
                catch (RpmHeaderFormatException e)
                {
                    throw new SecureContainerException(LayerDiagnostics.CorruptRpmHeader.Create(path, layerDigest, row.RowId, e.Message), e);
                }
            }
        }
        catch (SqliteFormatException e)
        {
            throw new SecureContainerException(LayerDiagnostics.CorruptRpmDatabase.Create(path, layerDigest, e.Message), e);
        }

        headers.RemoveAll(h => h.GetString(RpmHeader.Name) == PublicKeyPseudoPackage);
        var providers = new RpmProviders(headers);
        var packages = new List<OsPackage>(headers.Count);
        foreach (RpmHeader h in headers)
        {
            string? name = h.GetString(RpmHeader.Name);
            string? version = h.GetString(RpmHeader.Version);
            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version))
            {
                continue;
            }

            int? epoch = h.GetInt32(RpmHeader.Epoch);
            string? release = NullIfEmpty(h.GetString(RpmHeader.Release));
            string evr = (epoch is int e ? $"{e}:" : "") + version + (release is null ? "" : "-" + release);
            var digests = new Dictionary<string, string>(StringComparer.Ordinal);
            if (h.GetBinary(RpmHeader.SigMd5) is { Length: 16 } md5)
            {
                digests["sigmd5"] = Convert.ToHexStringLower(md5);
            }

            if (NullIfEmpty(h.GetString(RpmHeader.Sha256Header)) is string sha256)
            {
                digests["sha256header"] = sha256;
            }

            packages.Add(new OsPackage("rpm", name, evr, NullIfEmpty(h.GetString(RpmHeader.Arch)), NullIfEmpty(h.GetString(RpmHeader.SourceRpm)),
                null, NullIfEmpty(h.GetString(RpmHeader.License)), providers.Resolve(h, name), layerDigest)
            {
                Epoch = epoch,
                Vendor = NullIfEmpty(h.GetString(RpmHeader.Vendor)),
                Digests = digests,
            });
        }

        return packages;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
