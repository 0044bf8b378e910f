using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Vulnerabilities.Osv;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// The inputs of <c>scan</c> and <c>diff</c>: an argument that names an existing file is an SBOM, anything else an image
/// whose attached SBOM is fetched and verified (<see cref="SbomFetcher"/>); and the <c>--db</c> database.
/// </summary>
internal static class SbomSource
{
    /// <summary>An SBOM and where it came from (the file, or the image pinned by digest).</summary>
    public sealed record Loaded(SbomInventory Sbom, string Kind, string Source)
    {
        /// <summary>The JSON fields that say where an SBOM came from, the same in scan's and diff's documents.</summary>
        public void WriteFields(System.Text.Json.Utf8JsonWriter w)
        {
            w.WriteString("source", Kind);
            w.WriteString("sbom", Source);
            w.WriteString("subject", Sbom.Subject);
        }
    }

    /// <summary>
    /// SC1101 for an argument that is an unknown option: the parser hands those to a free argument, and no image
    /// reference starts with '-'. Called for every argument before any is loaded.
    /// </summary>
    public static void CheckArgument(string argument, string verb)
    {
        if (argument.StartsWith('-') && !File.Exists(argument))
        {
            throw new SecureContainerException(CommandLineDiagnostics.InvalidCommandLine.Create($"Unrecognized command or argument '{argument}'.", $"{CliApp.ToolName} {verb}"));
        }
    }

    public static async Task<Loaded> LoadAsync(CliContext context, string argument, Platform? platform, string verb, CancellationToken ct)
    {
        if (File.Exists(argument) || Directory.Exists(argument) || argument.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return new Loaded(ReadFile(argument, verb), "file", argument);
        }

        // Parsed before any network access, so a typo is a usage error even when the registry is down.
        ImageReference image = ImageReference.Parse(argument);
        using RegistryClient client = context.CreateRegistryClient();
        FetchedSbom fetched = await new SbomFetcher(client).FetchAsync(image, platform, ct).ConfigureAwait(false);
        string pinned = $"{image.Registry}/{image.Repository}@{fetched.ImageDigest}";
        return SbomInventory.TryRead(fetched.Content, pinned, out SbomInventory? sbom, out string error)
            ? new Loaded(sbom!, "image", pinned)
            : throw new SecureContainerException(OsvDiagnostics.SbomNotScannable.Create(pinned, error));
    }

    private static SbomInventory ReadFile(string path, string verb)
    {
        byte[] content;
        try
        {
            FileInfo info = new(path);
            if (info.Exists && info.Length > SbomFile.MaxBytes)
            {
                throw new SecureContainerException(CommandLineDiagnostics.ScanSbomUnusable.Create(path, verb, $"it is {info.Length} bytes, over the {SbomFile.MaxBytes}-byte limit"));
            }

            content = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            string why = ex is FileNotFoundException or DirectoryNotFoundException ? "it does not exist"
                : Directory.Exists(path) ? "it is a folder" : $"it cannot be read ({ex.GetType().Name})";
            throw new SecureContainerException(CommandLineDiagnostics.ScanSbomUnusable.Create(path, verb, why));
        }

        return SbomInventory.TryRead(content, path, out SbomInventory? sbom, out string error)
            ? sbom!
            : throw new SecureContainerException(CommandLineDiagnostics.ScanSbomUnusable.Create(path, verb, error));
    }

    /// <summary>SC1118 when the path is missing or unreadable; problems inside it (SC7201–SC7205) go to <paramref name="sink"/>.</summary>
    public static OsvDatabase LoadDatabase(CliContext context, string path, IDiagnosticSink sink, CancellationToken ct)
    {
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            throw new SecureContainerException(CommandLineDiagnostics.VulnerabilityDatabaseUnusable.Create(path, "no such file or folder"));
        }

        DiagnosticBag load = new();
        OsvDatabase? database = OsvDatabase.Load(path, new OsvDatabaseLimits(), load, ct, context.LayerCacheDirectory ?? Core.Layers.LayerScanCache.DefaultDirectory);
        if (database is null)
        {
            throw new SecureContainerException(CommandLineDiagnostics.VulnerabilityDatabaseUnusable.Create(path, "it could not be read"));
        }

        foreach (Diagnostic d in load.Items)
        {
            sink.Report(d);
        }

        return database;
    }
}
