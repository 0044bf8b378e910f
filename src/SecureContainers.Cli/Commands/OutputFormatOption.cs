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

    public static Option<string> Create()
    {
        Option<string> option = new(Name)
        {
            HelpName = HelpName,
            Description = "The report format on standard output. json: one JSON document on every outcome, errors included (schema in docs/cli.md).",
            DefaultValueFactory = _ => "text",
        };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }

    public static bool IsReportFormat(Option option) => option.Name == Name && option.HelpName == HelpName;

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
