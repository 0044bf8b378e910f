using System.Globalization;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Sbom;

/// <summary>
/// Chooses the SBOM timestamp: <c>SOURCE_DATE_EPOCH</c> when it is set (reproducible builds), else the caller's clock.
/// </summary>
public static class SbomTimestamp
{
    // 9999-12-31T23:59:59Z: the last second DateTimeOffset and CycloneDX's date-time can both carry.
    private const long MaxEpochSeconds = 253402300799;

    /// <summary>
    /// Returns <paramref name="sourceDateEpoch"/> as a UTC time when it is non-empty, otherwise <paramref name="now"/>
    /// truncated to whole seconds; a value that is not whole non-negative seconds is SC5006.
    /// </summary>
    public static DateTimeOffset Resolve(string? sourceDateEpoch, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(sourceDateEpoch))
        {
            return DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        }

        string trimmed = sourceDateEpoch.Trim();
        return TryParseEpoch(trimmed, out DateTimeOffset time)
            ? time
            : throw new SecureContainerException(SbomDiagnostics.InvalidSourceDateEpoch.Create(trimmed));
    }

    /// <summary>Whole non-negative seconds since 1970, up to the last second CycloneDX can carry.</summary>
    public static bool TryParseEpoch(string value, out DateTimeOffset time)
    {
        bool valid = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds <= MaxEpochSeconds;
        time = valid ? DateTimeOffset.FromUnixTimeSeconds(seconds) : default;
        return valid;
    }
}
