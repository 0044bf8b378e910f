using System.CommandLine;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>--output text|json</c>: the report format of a verb that reports (verify, attach, sign, attest). With json, standard
/// output carries exactly one JSON document on every outcome, errors included (see <see cref="ResultDocument"/>).
/// </summary>
internal static class OutputFormatOption
{
    public const string Name = "--output";

    /// <summary>Also how <see cref="IsReportFormat"/> recognises the option, so verify's own declaration counts too.</summary>
    public const string HelpName = "text|json";

    public static Option<string> Create() =>
        Build(HelpName, "The report format on standard output. json: one JSON document on every outcome, errors included (schema in docs/cli.md).");

    /// <summary>The HelpName of <see cref="CreateWithSarif"/> (scan): the same json document, or a SARIF log instead.</summary>
    public const string SarifHelpName = "text|json|sarif";

    /// <summary><c>--output text|json|sarif</c>: sarif writes a SARIF 2.1.0 log of the findings on standard output (nothing there when a coded error stops the command first).</summary>
    public static Option<string> CreateWithSarif() =>
        Build(SarifHelpName, "The report format on standard output. json: one JSON document on every outcome, errors included (schema in docs/cli.md); sarif: a SARIF 2.1.0 log of the findings.");

    private static Option<string> Build(string helpName, string description)
    {
        Option<string> option = new(Name)
        {
            HelpName = helpName,
            Description = description,
            DefaultValueFactory = _ => "text",
        };
        option.AcceptOnlyFromAmong(helpName.Split('|'));
        return option;
    }

    public static bool IsReportFormat(Option option) => option.Name == Name && option.HelpName is HelpName or SarifHelpName;

    /// <summary>Whether the command line asked for json, read from the raw tokens so that it works when parsing failed.</summary>
    public static bool WantsJson(ParseResult parse)
    {
        Option? option = parse.CommandResult.Command.Options.FirstOrDefault(IsReportFormat);
        return option is not null
            && parse.GetResult(option) is { } result
            && result.Tokens.Count > 0
            && result.Tokens[^1].Value == "json";
    }
}
