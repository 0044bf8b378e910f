namespace SecureContainers.Cli;

/// <summary>What the process returns; documented in docs/cli.md. Pipelines branch on these, so values never change.</summary>
public enum ExitCode
{
    /// <summary>The command did what was asked (for <c>sbom</c>: an SBOM was found, verified and written).</summary>
    Success = 0,

    /// <summary>The answer is no: nothing attached, or what is attached failed verification, or the registry refused the content.</summary>
    Failure = 1,

    /// <summary>The command line or the configuration is wrong: bad arguments, image reference, platform or credentials.</summary>
    UsageError = 2,

    /// <summary>The registry could not be reached; retrying later may help.</summary>
    RegistryUnreachable = 3,
}
