using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Configuration;

/// <summary>Parses MSBuild property strings strictly: a typo in a security switch is an error, not a default.</summary>
public static class PropertyParser
{
    /// <summary>
    /// <c>true</c> or <c>false</c> in any case, nothing else. A malformed value is SC1001 and reads as
    /// <paramref name="onError"/> (default: the default), so that the rest of the run still checks what it can: pass
    /// <c>true</c> for a rule switch, so that a typo reports the rule's findings too.
    /// </summary>
    public static bool ParseBoolean(string name, string? value, bool defaultValue, IDiagnosticSink sink, bool? onError = null)
    {
        string trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return defaultValue;
        }

        if (bool.TryParse(trimmed, out bool result))
        {
            return result;
        }

        sink.Report(ConfigurationDiagnostics.InvalidBoolean.Create(name, value, defaultValue ? "true" : "false"));
        return onError ?? defaultValue;
    }

    public static long ParsePositiveInteger(string name, string? value, long defaultValue, IDiagnosticSink sink)
    {
        string trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return defaultValue;
        }

        if (long.TryParse(trimmed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long result) && result > 0)
        {
            return result;
        }

        sink.Report(ConfigurationDiagnostics.InvalidLimit.Create(name, value, defaultValue));
        return defaultValue;
    }
}
