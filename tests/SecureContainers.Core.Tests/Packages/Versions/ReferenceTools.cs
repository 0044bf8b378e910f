using System.Diagnostics;
using System.Text;

namespace SecureContainers.Core.Tests.Packages.Versions;

/// <summary>
/// Runs the package managers' own comparisons in one process per batch (a process per pair is far too slow):
/// <c>dpkg --compare-versions</c> from a generated shell script, rpm's Lua <c>rpm.vercmp</c> over a file of pairs.
/// </summary>
internal static class ReferenceTools
{
    /// <summary>
    /// The exit code of <c>dpkg --compare-versions left op right</c> for each check: 0 true, 1 false, 2 a version
    /// dpkg refuses. One call answers whether a relation we claim holds, so each pair costs one dpkg process.
    /// </summary>
    public static IReadOnlyList<int> Dpkg(IReadOnlyList<(string Left, string Op, string Right)> checks)
    {
        var script = new StringBuilder();
        foreach ((string left, string op, string right) in checks)
        {
            script.Append("dpkg --compare-versions ").Append(Quote(left)).Append(' ').Append(op).Append(' ').Append(Quote(right))
                .Append(" 2>/dev/null; echo $?\n");
        }

        string[] lines = Run("sh", [], script.ToString());
        Assert.Equal(checks.Count, lines.Length);
        return [.. lines.Select(int.Parse)];
    }

    /// <summary>rpm's answer to <c>rpm.vercmp(left, right)</c> for each pair: -1, 0, 1, or null when rpm raises an error.</summary>
    public static IReadOnlyList<int?> Rpm(IReadOnlyList<(string Left, string Right)> pairs)
    {
        string file = Path.Combine(Path.GetTempPath(), $"sc-rpm-pairs-{Guid.NewGuid():N}.txt");
        try
        {
            // Tab-separated, one pair a line: no generated version holds a tab, a newline or a bracket pair.
            File.WriteAllText(file, string.Concat(pairs.Select(p => p.Left + "\t" + p.Right + "\n")), new UTF8Encoding(false));
            string lua = "%{lua: for line in io.lines([[" + file + "]]) do " +
                "local a, b = line:match('^(.-)\\t(.*)$'); local ok, r = pcall(rpm.vercmp, a, b); " +
                "io.write(ok and tostring(r) or 'error', '\\n') end}";
            string[] lines = Run("rpm", ["--eval", lua], null);
            Assert.True(lines.Length >= pairs.Count, $"rpm printed {lines.Length} results for {pairs.Count} pairs");
            return [.. lines.Take(pairs.Count).Select(l => l == "error" ? (int?)null : int.Parse(l))];
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string[] Run(string fileName, string[] arguments, string? input)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = input is null ? null : new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"{fileName} did not finish in 5 minutes");
        Assert.True(process.ExitCode == 0, $"{fileName} exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
