using System.CommandLine;
using SecureContainers.Core.Signing;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>--signature-format both|bundle|legacy</c> of sign and attest: the words and default of the build's
/// SecureContainerSignatureFormat, so a command printed by a failed build (SC6035) repeats what the build was doing.
/// </summary>
internal static class SignatureFormatOption
{
    public static Option<string> Create()
    {
        Option<string> option = new("--signature-format")
        {
            HelpName = string.Join('|', SignatureFormats.Words),
            Description = "bundle: Sigstore bundles pushed as OCI referrers, as cosign v3 writes them; legacy: the sha256-<hex>.sig/.att tags (what Kyverno, podman policy.json and older verifiers read); both (default): both.",
            DefaultValueFactory = _ => SignatureFormat.Both.ToWord(),
        };
        option.AcceptOnlyFromAmong([.. SignatureFormats.Words]);
        return option;
    }

    /// <summary>The format; the parser has already refused any other word (SC1101).</summary>
    public static SignatureFormat Read(ParseResult parse, Option<string> option) =>
        SignatureFormats.TryParse(parse.GetValue(option) ?? "") ?? SignatureFormat.Both;
}
