using System.Text.Encodings.Web;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// The JSON a reporting verb prints with <c>--output json</c>: one envelope for every verb and every outcome, so a pipeline
/// can always parse standard output and branch on <c>succeeded</c>/<c>exitCode</c>:
/// <code>{"command":"sign","succeeded":true,"exitCode":0, …the verb's own fields…, "diagnostics":[{"code","severity","message"}]}</code>
/// A failure before the verb has a result (a coded error, a command line that does not parse) has only the envelope.
/// Messages are the CLI wording (<see cref="Diagnostic.CliMessage"/>).
/// </summary>
internal static class ResultDocument
{
    // As verify's report: media types keep their '+' and messages their quotes, for people reading CI logs. The
    // document is never embedded in HTML, which is what the default escaping guards against.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(CliContext context, string command, ExitCode exitCode, IEnumerable<Diagnostic> diagnostics, Action<Utf8JsonWriter>? fields = null)
    {
        using (Utf8JsonWriter w = new(context.StandardOutput, Options))
        {
            w.WriteStartObject();
            w.WriteString("command", command);
            w.WriteBoolean("succeeded", exitCode == ExitCode.Success);
            w.WriteNumber("exitCode", (int)exitCode);
            fields?.Invoke(w);
            w.WriteStartArray("diagnostics");
            foreach (Diagnostic d in diagnostics)
            {
                w.WriteStartObject();
                w.WriteString("code", d.Code);
                w.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
                w.WriteString("message", d.CliMessage);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        context.StandardOutput.WriteByte((byte)'\n');
        context.StandardOutput.Flush();
    }
}
