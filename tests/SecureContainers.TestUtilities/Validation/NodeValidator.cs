using System.Diagnostics;

namespace SecureContainers.TestUtilities.Validation;

/// <summary>The schema validators in eng/sbom-validator (npm), each a node script and the modules it needs.</summary>
public enum SchemaValidator
{
    /// <summary>validate.mjs: the official CycloneDX JSON schemas from @cyclonedx/cyclonedx-library.</summary>
    CycloneDx,

    /// <summary>validate-sarif.mjs: the SARIF 2.1.0 schema from @microsoft/jest-sarif.</summary>
    Sarif,
}

/// <summary>
/// Runs one of eng/sbom-validator's scripts with node. A test that needs one is marked <see cref="ValidatorFactAttribute"/>
/// (or <see cref="ValidatorTheoryAttribute"/>): skipped with the reason when node or the npm modules are missing, unless
/// SC_REQUIRE_VALIDATOR=1 (eng/test.sh sets it), which runs the test so that <see cref="Require"/> fails it.
/// </summary>
public static class NodeValidator
{
    public const string RequireVariable = "SC_REQUIRE_VALIDATOR";

    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Why <paramref name="validator"/> cannot run here, or null when it can.</summary>
    public static string? Missing(SchemaValidator validator) => Locate(validator).Missing;

    /// <summary>The node executable and the script; fails the test, saying what is missing, when they are not there.</summary>
    public static (string Node, string Script) Require(SchemaValidator validator)
    {
        (string? node, string? script, string? missing) = Locate(validator);
        if (missing is not null)
        {
            Assert.Fail(IsRequired ? $"{RequireVariable}=1 but {missing}." : $"The schema validator cannot run: {missing}.");
        }

        return (node!, script!);
    }

    public static (int ExitCode, string Output) Run(string node, string script, params string[] args)
    {
        ProcessStartInfo start = new(node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(script)} did not finish within 120 s");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }

    private static (string? Node, string? Script, string? Missing) Locate(SchemaValidator validator)
    {
        (string script, string[] modules) = validator switch
        {
            SchemaValidator.CycloneDx => ("validate.mjs", new[] { Path.Combine("@cyclonedx", "cyclonedx-library") }),
            SchemaValidator.Sarif => ("validate-sarif.mjs", [Path.Combine("@microsoft", "jest-sarif"), "ajv-draft-04"]),
            _ => throw new ArgumentOutOfRangeException(nameof(validator)),
        };

        string validatorDir = RepositoryRoot.Combine("eng", "sbom-validator");
        string? node = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Path.Combine(p, OperatingSystem.IsWindows() ? "node.exe" : "node"))
            .FirstOrDefault(File.Exists);

        string? missing =
            node is null ? "'node' is not on PATH" :
            modules.FirstOrDefault(m => !Directory.Exists(Path.Combine(validatorDir, "node_modules", m))) is { } module
                ? $"eng/sbom-validator/node_modules lacks {module} (run 'npm ci' there)" :
            null;
        return (node, Path.Combine(validatorDir, script), missing);
    }
}
