using System.Globalization;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// The per-file part of the secret scan, shared by the publish directory on disk (<see cref="PublishDirectoryScanner"/>)
/// and the files of an image's layers (<see cref="ImageFileSecretScanner"/>), so a file is judged the same wherever it
/// is read: the name rules on every entry, the content rules on text files up to a byte budget. Known binary formats
/// (.dll, .so, .exe, .pdb, images, fonts, archives and the .br/.gz copies ASP.NET makes of static files) skip the
/// content rules: a key compiled into an assembly or zipped is out of scope.
/// </summary>
internal static class SecretFileRules
{
    private static readonly HashSet<string> KeyStoreExtensions = new(StringComparer.OrdinalIgnoreCase) { ".pfx", ".p12", ".jks", ".keystore" };

    private static readonly HashSet<string> SshKeyNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk",
    };

    private static readonly HashSet<string> DotEnvTemplates = new(StringComparer.OrdinalIgnoreCase) { "example", "sample", "template", "dist" };

    private static readonly HashSet<string> BinaryExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".dll", ".exe", ".so", ".dylib", ".pdb", ".a", ".o", ".lib", ".wasm", ".nupkg", ".snupkg",
        ".zip", ".gz", ".br", ".tgz", ".7z", ".xz", ".zst",
        ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".bmp", ".avif",
        ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".webm",
    };

    /// <summary>The folder name that is a finding by itself (SC7104): the repository's history and credentials.</summary>
    public const string GitFolderName = ".git";

    /// <summary>True when the content rules do not read a file of this name (see the type's remarks).</summary>
    public static bool IsBinaryByName(string fileName) => BinaryExtensions.Contains(Path.GetExtension(fileName));

    /// <summary>
    /// Applies the name rules to a file or link named <paramref name="fileName"/> at <paramref name="location"/>; true
    /// when an error-level one matched, so reading the content adds nothing.
    /// </summary>
    public static bool ApplyNameRules(string fileName, SecretLocation location, List<SecretFinding> findings)
    {
        if (KeyStoreExtensions.Contains(Path.GetExtension(fileName)))
        {
            findings.Add(new SecretFinding(SecretRules.KeyStoreFile, location));
            return true;
        }

        if (SshKeyNames.Contains(fileName))
        {
            findings.Add(new SecretFinding(SecretRules.SshKeyFile, location));
            return true;
        }

        if (fileName.Equals(".env", StringComparison.OrdinalIgnoreCase)
            || (fileName.StartsWith(".env.", StringComparison.OrdinalIgnoreCase) && !DotEnvTemplates.Contains(fileName[5..])))
        {
            findings.Add(new SecretFinding(SecretRules.DotEnvFile, location));
        }

        return false;
    }

    /// <summary>
    /// Runs the content rules over a text file's first <paramref name="maxContentBytes"/> bytes, and the appsettings
    /// rule when the name calls for it. <paramref name="content"/> must be seekable: the appsettings rule re-reads the
    /// same prefix as JSON. <paramref name="at"/> makes the location of a hit on a line. Reports SC7133 when the budget
    /// ran out before the end.
    /// </summary>
    public static void ScanContent(
        Stream content, string fileName, long length, long maxContentBytes, Func<int, SecretLocation> at, string describe,
        List<SecretFinding> findings, IDiagnosticSink sink)
    {
        var detector = new ContentSecretDetector(pairAwsAcrossSources: false);
        TextReadOutcome outcome = TextLineReader.ForEachBlock(content, maxContentBytes, (block, firstLine) => detector.ScanBlock(block, 0, firstLine));
        if (outcome != TextReadOutcome.Binary && AppSettingsSecretDetector.Applies(fileName))
        {
            // appsettings files are small; the same byte budget as the line rules bounds a pathological one.
            content.Position = 0;
            byte[] prefix = new byte[(int)Math.Min(length, maxContentBytes)];
            content.ReadExactly(prefix);
            foreach (int line in AppSettingsSecretDetector.FindLines(prefix))
            {
                findings.Add(new SecretFinding(SecretRules.AppSettingsSecret, at(line)));
            }
        }

        foreach ((SecretRule rule, _, int line) in detector.Complete())
        {
            findings.Add(new SecretFinding(rule, at(line)));
        }

        if (outcome == TextReadOutcome.Truncated)
        {
            sink.Report(SecretDiagnostics.PartlyScanned.Create(describe, maxContentBytes.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
