using System.Text;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// Runs the content rules once over a made-up appsettings file that trips each of them, so that the JIT compiles them
/// and their regexes and search tables are built before the publish folder exists. The check started ahead of time
/// does this on the idle core; without it the check's first scanned file paid for all of it (about 15 ms, on the path
/// before the push). The stand-ins are assembled here rather than written out, so that no scanner takes this source
/// for a leak.
/// </summary>
internal static class ContentRulesRehearsal
{
    private const string FileName = "appsettings.json";

    /// <summary>The rules that fired: every content rule, unless the sample no longer trips one (a test sees to that).</summary>
    public static IReadOnlySet<SecretRule> Run()
    {
        byte[] sample = Encoding.UTF8.GetBytes(Sample());
        List<SecretFinding> findings = new();
        using MemoryStream content = new(sample, writable: false);
        SecretFileRules.ScanContent(content, FileName, sample.Length, sample.Length, line => new SecretLocation(SecretLocationKind.File, FileName, line),
            FileName, findings, new DiagnosticBag());
        return findings.Select(f => f.Rule).ToHashSet();
    }

    private static string Sample()
    {
        string base64 = string.Concat(Enumerable.Repeat("Zm9vYmFyYmF6", 8));
        string jwtHeader = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"alg\":\"none\"}")).TrimEnd('=');
        return string.Join('\n',
            "{",
            $"  \"Pem\": \"-----BEGIN {"PRIVATE"} KEY-----\\n{base64}\\n\",",
            $"  \"Aws\": \"{"AK" + "IA"}{new string('Q', 16)}\",",
            $"  \"AwsSecret\": \"aws_secret_access_key={base64[..40]}\",",
            $"  \"GitHub\": \"{"gh" + "p_"}{new string('x', 36)}\",",
            $"  \"Storage\": \"DefaultEndpointsProtocol=https;AccountName=a;{"Account" + "Key"}={base64}==\",",
            $"  \"Token\": \"{jwtHeader}.{new string('y', 12)}.{new string('z', 24)}\",",
            "  \"Database\": \"Server=db;Password=rehearsal-only;\",",
            "  \"ApiKey\": \"rehearsal-only\"",
            "}",
            "");
    }
}
