using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Cli;

/// <summary>
/// Which exit code a coded error gives. Listed code by code so that a new core code cannot silently become "registry
/// unreachable" (which pipelines retry) or "usage error"; anything not listed is <see cref="ExitCode.Failure"/>.
/// </summary>
public static class ExitCodes
{
    private static readonly Dictionary<string, ExitCode> ByCode = new(StringComparer.Ordinal)
    {
        // The command line itself.
        ["SC1101"] = ExitCode.UsageError,
        ["SC1102"] = ExitCode.UsageError,
        // Files and options given to attach and attest: fixed by changing the arguments.
        ["SC1103"] = ExitCode.UsageError,
        ["SC1104"] = ExitCode.UsageError,
        ["SC1105"] = ExitCode.UsageError,
        ["SC1106"] = ExitCode.UsageError,
        ["SC1107"] = ExitCode.UsageError,
        // check's --nuget-source: a URL the tool will not use, fixed by changing the arguments.
        ["SC1108"] = ExitCode.UsageError,
        // verify's trust options, the trusted root file and the identity pattern: fixed by changing the arguments.
        ["SC1109"] = ExitCode.UsageError,
        ["SC1115"] = ExitCode.UsageError,
        ["SC6050"] = ExitCode.UsageError,
        ["SC6052"] = ExitCode.UsageError,
        ["SC6070"] = ExitCode.UsageError,
        ["SC6076"] = ExitCode.UsageError,
        // The image reference, or a platform the image does not have: fixed by changing the arguments.
        ["SC3001"] = ExitCode.UsageError,
        ["SC3104"] = ExitCode.UsageError,
        ["SC3105"] = ExitCode.UsageError,
        // Credentials and their configuration: fixed by `docker login` or the environment, not by retrying.
        ["SC3103"] = ExitCode.UsageError,
        ["SC3108"] = ExitCode.UsageError,
        ["SC3110"] = ExitCode.UsageError,
        ["SC3111"] = ExitCode.UsageError,
        // Keys and their passwords: fixed by pointing at the right file or setting the variable.
        ["SC6001"] = ExitCode.UsageError,
        ["SC6002"] = ExitCode.UsageError,
        ["SC6003"] = ExitCode.UsageError,
        ["SC6004"] = ExitCode.UsageError,
        ["SC6005"] = ExitCode.UsageError,
        ["SC6006"] = ExitCode.UsageError,
        ["SC6007"] = ExitCode.UsageError,
        ["SC6008"] = ExitCode.UsageError,
        ["SC6009"] = ExitCode.UsageError,
        ["SC6010"] = ExitCode.UsageError,
        ["SC6012"] = ExitCode.UsageError,
        // scan and diff: an SBOM file or a --db that cannot be used, fixed by changing the arguments.
        ["SC1117"] = ExitCode.UsageError,
        ["SC1118"] = ExitCode.UsageError,
        // Connection refused, DNS, TLS, timeouts (after the client's retries).
        ["SC3101"] = ExitCode.RegistryUnreachable,
    };

    public static ExitCode For(Diagnostic diagnostic) => For(diagnostic.Code);

    public static ExitCode For(string code) =>
        ByCode.TryGetValue(code, out ExitCode exitCode) ? exitCode : ExitCode.Failure;

    /// <summary>The codes listed above, for the test that holds docs/cli.md to them.</summary>
    internal static IEnumerable<string> Listed => ByCode.Keys;
}
