namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A fact that runs the peer SBOM generator <c>@cyclonedx/cdxgen</c> (pinned in eng/cdxgen): skipped with the reason when
/// node or its install is missing, except under SC_REQUIRE_VALIDATOR=1 (eng/test.sh installs it and sets that), where
/// the test runs and <see cref="Require"/> fails it. The end-to-end tests reference no product or shared test assembly,
/// so this mirrors the unit tests' ValidatorFact.
/// </summary>
public sealed class CdxgenFactAttribute : FactAttribute
{
    private const string RequireVariable = "SC_REQUIRE_VALIDATOR";

    public CdxgenFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(RequireVariable) != "1" && Locate().Missing is string missing)
        {
            Skip = $"cdxgen cannot run: {missing}. Set {RequireVariable}=1 to make this a failure.";
        }
    }

    /// <summary>The cdxgen script to run with node; fails the test, saying what is missing, when it cannot run.</summary>
    public static string Require()
    {
        (string script, string? missing) = Locate();
        if (missing is not null)
        {
            Assert.Fail($"cdxgen cannot run: {missing}.");
        }

        return script;
    }

    private static (string Script, string? Missing) Locate()
    {
        string script = Path.Combine(TestBed.RepoRoot, "eng", "cdxgen", "node_modules", "@cyclonedx", "cdxgen", "bin", "cdxgen.js");
        bool hasNode = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(p => File.Exists(Path.Combine(p, OperatingSystem.IsWindows() ? "node.exe" : "node")));
        string? missing =
            !hasNode ? "'node' is not on PATH" :
            !File.Exists(script) ? "eng/cdxgen/node_modules is missing (run 'npm ci' there)" :
            null;
        return (script, missing);
    }
}
