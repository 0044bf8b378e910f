namespace SecureContainers.TestUtilities;

/// <summary>
/// A fact that checks us against a real tool (<c>dpkg</c>, <c>rpm</c>): skipped with the reason when the tool is not on
/// PATH, except under SC_REQUIRE_TOOLS=1, where the test runs and fails (a CI that installed the tools, as
/// eng/install-deps.sh does, must not skip silently).
/// </summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public const string RequireVariable = "SC_REQUIRE_TOOLS";

    /// <param name="tools">Every tool the test runs; the first missing one is named in the skip reason.</param>
    public ToolFactAttribute(params string[] tools)
    {
        if (Environment.GetEnvironmentVariable(RequireVariable) != "1" && tools.FirstOrDefault(t => FindOnPath(t) is null) is { } tool)
        {
            Skip = $"'{tool}' is not on PATH (on Debian, eng/install-deps.sh installs it). Set {RequireVariable}=1 to make this a failure.";
        }
    }

    /// <summary>The full path of an executable on PATH, or null.</summary>
    public static string? FindOnPath(string tool)
    {
        string[] names = OperatingSystem.IsWindows() ? [tool + ".exe", tool] : [tool];
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
