using NuGet.Configuration;

namespace SecureContainers.Build.NuGetAudit;

/// <summary>
/// Picks the sources to ask for vulnerability data the way NuGet's own audit does: the enabled sources of the
/// <c>&lt;auditSources&gt;</c> section of nuget.config when there are any, otherwise the project's enabled package
/// sources (or <c>$(RestoreSources)</c> when the project overrides them).
/// </summary>
public static class NuGetAuditSources
{
    /// <summary>Loads nuget.config as restore does for <paramref name="projectDirectory"/> (user, machine-wide and folder-hierarchy files).</summary>
    /// <param name="configFile">An explicit config file (<c>$(RestoreConfigFile)</c>), or <c>null</c>.</param>
    public static ISettings LoadSettings(string projectDirectory, string? configFile = null) =>
        Settings.LoadDefaultSettings(projectDirectory, string.IsNullOrEmpty(configFile) ? null : configFile, new XPlatMachineWideSetting());

    /// <param name="restoreSources">The project's <c>$(RestoreSources)</c> split on ';', or empty when it is not set.</param>
    public static IReadOnlyList<PackageSource> Resolve(ISettings settings, IReadOnlyList<string>? restoreSources = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var provider = new PackageSourceProvider(settings);
        List<PackageSource> audit = provider.LoadAuditSources().Where(s => s.IsEnabled).ToList();
        if (audit.Count > 0)
        {
            return audit;
        }

        List<PackageSource> configured = provider.LoadPackageSources().ToList();
        string[] overrides = (restoreSources ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
        if (overrides.Length == 0)
        {
            return configured.Where(s => s.IsEnabled).ToList();
        }

        // RestoreSources replaces the list; a configured source with the same URL keeps its name and credentials.
        return overrides
            .Select(url => configured.FirstOrDefault(s => string.Equals(s.Source.TrimEnd('/'), url.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
                           ?? new PackageSource(url))
            .ToList();
    }
}
