using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Gives each deb package the licenses of its <c>/usr/share/doc/&lt;name&gt;/copyright</c> in the final file tree, so a
/// later layer's whiteout or rewrite counts and a doc directory that links to another package's (as libstdc++6's does to
/// gcc-12-base's) reads that file. A copyright that is itself a link out of <c>/usr/share/doc/*/</c> (to
/// <c>/usr/share/common-licenses</c>, say) was not captured and leaves the license unknown.
/// </summary>
internal static class DebianCopyrightReader
{
    /// <summary>Packages listed in full in a message before "and N more".</summary>
    private const int MaxListedPackages = 20;

    public static IReadOnlyList<OsPackage> AddLicenses(ImageFileSystem fs, IReadOnlyList<OsPackage> packages, List<Diagnostic> messages)
    {
        var parsed = new Dictionary<string, DebianCopyright?>(StringComparer.Ordinal);
        var malformed = new SortedSet<string>(StringComparer.Ordinal);
        var skipped = new SortedSet<string>(StringComparer.Ordinal);
        var result = new List<OsPackage>(packages.Count);
        foreach (OsPackage package in packages)
        {
            if (package.Type != "deb")
            {
                result.Add(package);
                continue;
            }

            string path = InterestingFiles.DebianCopyrightPath(package.Name);
            ImageEntry? entry = fs.ResolveEntry(path);
            if (entry is null || !InterestingFiles.IsDebianCopyright(entry.Path))
            {
                result.Add(package);
                continue;
            }

            if (!parsed.TryGetValue(entry.Path, out DebianCopyright? copyright))
            {
                byte[]? content = fs.ReadCapturedFile(path);
                copyright = content is null ? null : DebianCopyrightParser.Parse(content);
                parsed[entry.Path] = copyright;
            }

            if (copyright is null)
            {
                // A regular file the caps left out (see LayerScanLimits.MaxCopyrightFileBytes); a hard link's own target
                // is reported for its own package.
                if (entry.Type == LayerEntryType.File)
                {
                    skipped.Add($"{package.Name} ({entry.Path}, {entry.Size} bytes)");
                }

                result.Add(package);
                continue;
            }

            if (copyright.Kind == DebianCopyrightKind.Malformed)
            {
                malformed.Add($"{package.Name} ({entry.Path}: {copyright.Problem})");
            }

            result.Add(copyright.Licenses.Count == 0 ? package : package with { CopyrightLicenses = copyright.Licenses });
        }

        if (malformed.Count > 0)
        {
            messages.Add(LayerDiagnostics.MalformedDebianCopyright.Create(List(malformed), malformed.Count));
        }

        if (skipped.Count > 0)
        {
            messages.Add(LayerDiagnostics.DebianCopyrightTooLarge.Create(List(skipped), skipped.Count));
        }

        return result;
    }

    private static string List(IReadOnlyCollection<string> items) =>
        string.Join("; ", items.Take(MaxListedPackages)) + (items.Count > MaxListedPackages ? $"; and {items.Count - MaxListedPackages} more" : string.Empty);
}
