namespace SecureContainers.Core.Layers;

/// <summary>What a <c>/usr/share/doc/&lt;package&gt;/copyright</c> file gave.</summary>
public enum DebianCopyrightKind
{
    /// <summary>No <c>Format:</c> naming copyright-format 1.0: free-form text, whose licenses are not guessed.</summary>
    FreeForm,

    /// <summary>A machine-readable file (DEP-5) that parsed; <see cref="DebianCopyright.Licenses"/> holds its short names.</summary>
    MachineReadable,

    /// <summary>Declares copyright-format 1.0 but breaks its syntax; <see cref="DebianCopyright.Problem"/> says where.</summary>
    Malformed,
}

/// <summary>
/// The licenses a machine-readable copyright file states for its files: the short names of every Files stanza's
/// <c>License</c> synopsis, each operand of <c>or</c>/<c>and</c> once (a term with <c>with &lt;keywords&gt; exception</c>
/// kept whole), in ordinal order. The header's License (a summary the spec lets differ) and stand-alone License
/// stanzas (texts the Files stanzas refer to) add nothing.
/// </summary>
public sealed record DebianCopyright(DebianCopyrightKind Kind, IReadOnlyList<string> Licenses, string? Problem)
{
    public static DebianCopyright FreeForm { get; } = new(DebianCopyrightKind.FreeForm, [], null);

    public static DebianCopyright Malformed(string problem) => new(DebianCopyrightKind.Malformed, [], problem);
}
