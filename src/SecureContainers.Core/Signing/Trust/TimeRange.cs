namespace SecureContainers.Core.Signing.Trust;

/// <summary>
/// When a trusted-root key or authority may be relied on (protobuf-specs <c>TimeRange</c>): a start, and an end that
/// is open while the authority is current. Both bounds are inclusive, as sigstore's verifiers read them.
/// </summary>
public sealed record TimeRange(DateTimeOffset Start, DateTimeOffset? End)
{
    /// <summary>A key or authority given without <c>validFor</c>: valid at any time.</summary>
    public static readonly TimeRange Always = new(DateTimeOffset.MinValue, null);

    public bool Contains(DateTimeOffset time) => time >= Start && (End is not DateTimeOffset end || time <= end);

    public override string ToString() => $"{Start:yyyy-MM-ddTHH:mm:ssZ} to {(End is DateTimeOffset e ? e.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) : "now")}";
}
