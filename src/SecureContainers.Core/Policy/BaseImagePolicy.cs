using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Policy;

/// <summary>
/// Base image trust: the allowlist, digest pinning and minimal-image hygiene, evaluated on what the gate resolved
/// and on the contents read from the base layers. Reports one diagnostic per kind of finding, listing the paths.
/// </summary>
public static class BaseImagePolicy
{
    private const int MaxListedPaths = 8;

    /// <summary>Trust and pinning: needs only the reference and the resolved digest (no layer bytes).</summary>
    public static IReadOnlyList<Diagnostic> EvaluateReference(ImageReference requested, ResolvedImage resolved, PolicyOptions options)
    {
        List<Diagnostic> findings = new();
        string name = $"{requested.Registry}/{requested.Repository}";
        if (options.RequireTrustedBaseImage && !options.TrustedBaseImages.Any(p => p.Matches(requested)))
        {
            string list = options.TrustedBaseImages.Count == 0 ? "the list is empty" : string.Join(", ", options.TrustedBaseImages.Select(p => p.Text));
            findings.Add(BaseImageDiagnostics.Untrusted.Create(requested, list, name));
        }

        string pinned = $"{name}{(requested.Tag is null ? "" : ":" + requested.Tag)}@{resolved.ReferenceDigest}";
        if (requested.Digest is null)
        {
            findings.Add(options.RequireBaseImageDigest
                ? BaseImageDiagnostics.TagOnly.Create(requested, options.Profile, resolved.ReferenceDigest, pinned)
                : BaseImageDiagnostics.Resolved.Create(requested, resolved.ReferenceDigest, resolved.Platform, pinned));
        }

        return findings;
    }

    /// <summary>Minimal-image hygiene: warnings, or errors when the profile requires a minimal base.</summary>
    public static IReadOnlyList<Diagnostic> EvaluateContents(ImageReference requested, ImageContentsReport contents, PolicyOptions options)
    {
        DiagnosticSeverity severity = options.RequireMinimalBaseImage ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
        List<Diagnostic> findings = new();

        void Add(DiagnosticDescriptor descriptor, IReadOnlyCollection<string> paths)
        {
            if (paths.Count > 0)
            {
                string listed = string.Join(", ", paths.Take(MaxListedPaths)) + (paths.Count > MaxListedPaths ? $", and {paths.Count - MaxListedPaths} more" : "");
                findings.Add(descriptor.Create(severity, requested, descriptor.Code, listed, paths.Count));
            }
        }

        Add(BaseImageDiagnostics.Shell, Paths(contents.Shells));
        Add(BaseImageDiagnostics.PackageManager, Paths(contents.PackageManagers));
        Add(BaseImageDiagnostics.SetUidFiles, contents.SetUidOrSetGidFiles.Select(f => f.Path).Distinct().ToArray());
        Add(BaseImageDiagnostics.RemoteAccessServer, Paths(contents.RemoteAccessServers));
        Add(BaseImageDiagnostics.PrivilegeEscalationTool, Paths(contents.PrivilegeEscalationTools));
        Add(BaseImageDiagnostics.WorldWritable, contents.WorldWritable.Select(f => f.Path).Distinct().ToArray());

        findings.AddRange(contents.PackageDatabaseWarnings);
        findings.AddRange(contents.LicenseMessages);

        return findings;
    }

    private static string[] Paths(IReadOnlyList<ImageExecutable> executables) =>
        executables.Select(e => e.Path == e.ResolvedPath ? e.Path : $"{e.Path} -> {e.ResolvedPath}").Distinct().ToArray();
}
