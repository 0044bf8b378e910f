using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// SC71xx (secrets part): what the secret scan finds in the publish directory, environment variables, labels and
/// entrypoint/command, and its configuration errors. Argument {0} is always the location ("file appsettings.json
/// line 4", "environment variable DB_PASSWORD"), {1} the exclusion pattern that would cover it. No format takes the
/// secret itself: the scanner never keeps it.
/// </summary>
public static class SecretDiagnostics
{
    private const string RemoveFix =
        "Fix: keep it out of the image (remove it from the project or set CopyToPublishDirectory=\"Never\" on its item, drop the ContainerEnvironmentVariable/ContainerLabel) " +
        "and give it to the container at run time from a secret store, a mounted volume or the orchestrator's secrets; if it is a deliberate test value, add " +
        "<SecureContainerSecretScanExclude Include=\"{1}\" Justification=\"why this is not a secret\" />.";

    // For an image already built: nothing can be excluded or removed after the fact, so the fix is a rebuild.
    private const string CliRemoveFix =
        "Fix: rebuild the image without it (out of the publish output, the image's environment and labels) and give it to the container at run time " +
        "from a secret store, a mounted volume or the orchestrator's secrets; check has no exclusions, so a deliberate test value is excluded in the build that produces the image.";

    private const string RotateAdvice = " Treat it as leaked if an image with it was ever pushed: revoke and rotate it. ";

    public static readonly DiagnosticDescriptor PrivateKey = new(
        "SC7101",
        DiagnosticSeverity.Error,
        "{0} contains a private key (PEM or OpenSSH block). Anyone who can pull the image can read it and impersonate its owner." + RotateAdvice + RemoveFix)
    {
        CliMessageFormat =
            "{0} contains a private key (PEM or OpenSSH block). Anyone who can pull the image can read it and impersonate its owner." + RotateAdvice + CliRemoveFix,
    };

    public static readonly DiagnosticDescriptor KeyStoreFile = new(
        "SC7102",
        DiagnosticSeverity.Error,
        "{0} is a key store (.pfx, .p12, .jks, .keystore), which normally holds a private key. Anyone who can pull the image can copy it and attack its password offline." + RotateAdvice + RemoveFix)
    {
        CliMessageFormat =
            "{0} is a key store (.pfx, .p12, .jks, .keystore), which normally holds a private key. Anyone who can pull the image can copy it and attack its password offline." + RotateAdvice + CliRemoveFix,
    };

    public static readonly DiagnosticDescriptor SshKeyFile = new(
        "SC7103",
        DiagnosticSeverity.Error,
        "{0} is named like an SSH private key (id_rsa, id_dsa, id_ecdsa, id_ed25519). Anyone who can pull the image can log in wherever the key is authorized." + RotateAdvice + RemoveFix)
    {
        CliMessageFormat =
            "{0} is named like an SSH private key (id_rsa, id_dsa, id_ecdsa, id_ed25519). Anyone who can pull the image can log in wherever the key is authorized." + RotateAdvice + CliRemoveFix,
    };

    public static readonly DiagnosticDescriptor GitFolder = new(
        "SC7104",
        DiagnosticSeverity.Error,
        "{0} is a .git folder. It carries the repository's full history, including secrets deleted long ago, and often credentials in .git/config. " + RemoveFix)
    {
        CliMessageFormat =
            "{0} is a .git folder. It carries the repository's full history, including secrets deleted long ago, and often credentials in .git/config. " + CliRemoveFix,
    };

    public static readonly DiagnosticDescriptor AwsAccessKey = new(
        "SC7105",
        DiagnosticSeverity.Error,
        "{0} contains an AWS access key ID with its secret access key nearby. Together they sign requests to AWS as their owner." + RotateAdvice + RemoveFix)
    {
        CliMessageFormat =
            "{0} contains an AWS access key ID with its secret access key nearby. Together they sign requests to AWS as their owner." + RotateAdvice + CliRemoveFix,
    };

    public static readonly DiagnosticDescriptor GitHubToken = new(
        "SC7106",
        DiagnosticSeverity.Error,
        "{0} contains a GitHub token (ghp_, gho_, ghu_, ghs_, ghr_ or github_pat_). It grants its owner's access to GitHub repositories." + RotateAdvice + RemoveFix)
    {
        CliMessageFormat =
            "{0} contains a GitHub token (ghp_, gho_, ghu_, ghs_, ghr_ or github_pat_). It grants its owner's access to GitHub repositories." + RotateAdvice + CliRemoveFix,
    };

    public static readonly DiagnosticDescriptor AzureStorageKey = new(
        "SC7107",
        DiagnosticSeverity.Error,
        "{0} contains an Azure Storage connection string with an AccountKey, which gives full access to the storage account." + RotateAdvice +
        "Prefer a managed identity or a short-lived SAS. " + RemoveFix)
    {
        CliMessageFormat =
            "{0} contains an Azure Storage connection string with an AccountKey, which gives full access to the storage account." + RotateAdvice +
        "Prefer a managed identity or a short-lived SAS. " + CliRemoveFix,
    };

    public static readonly DiagnosticDescriptor JsonWebToken = new(
        "SC7108",
        DiagnosticSeverity.Error,
        "{0} contains a signed JSON Web Token. A bearer token works for whoever holds it until it expires." + RotateAdvice + RemoveFix)
    {
        CliMessageFormat =
            "{0} contains a signed JSON Web Token. A bearer token works for whoever holds it until it expires." + RotateAdvice + CliRemoveFix,
    };

    public static readonly DiagnosticDescriptor AppSettingsSecret = new(
        "SC7120",
        DiagnosticSeverity.Warning,
        "{0} sets a configuration key named like a secret (password, secret, token, API key) to a literal value. Configuration files ship inside the image, readable by anyone who can pull it. " +
        "Fix: leave the value empty or a placeholder in the file and supply it at run time (environment variable, mounted secret, Azure Key Vault, user secrets in development); if it is not a secret, add " +
        "<SecureContainerSecretScanExclude Include=\"{1}\" Justification=\"why this is not a secret\" />.")
    {
        CliMessageFormat =
            "{0} sets a configuration key named like a secret (password, secret, token, API key) to a literal value. Configuration files ship inside the image, readable by anyone who can pull it. " +
            "Fix: rebuild the image with the value empty or a placeholder in the file and supply it at run time (environment variable, mounted secret, a key vault); check has no exclusions, so a value that is not a secret is excluded in the build that produces the image.",
    };

    public static readonly DiagnosticDescriptor ConnectionStringPassword = new(
        "SC7121",
        DiagnosticSeverity.Warning,
        "{0} contains a connection string with a literal Password= or Pwd= value, readable by anyone who can pull the image. " +
        "Fix: use integrated or managed-identity authentication, or supply the connection string at run time (environment variable ConnectionStrings__<name>, a mounted secret); if it is not a secret, add " +
        "<SecureContainerSecretScanExclude Include=\"{1}\" Justification=\"why this is not a secret\" />.")
    {
        CliMessageFormat =
            "{0} contains a connection string with a literal Password= or Pwd= value, readable by anyone who can pull the image. " +
            "Fix: rebuild the image using integrated or managed-identity authentication, or with the connection string supplied at run time (environment variable ConnectionStrings__<name>, a mounted secret).",
    };

    public static readonly DiagnosticDescriptor DotEnvFile = new(
        "SC7122",
        DiagnosticSeverity.Warning,
        "{0} is a .env file, which usually holds local secrets and is meant to stay on a developer's machine. " +
        "Fix: remove it from the publish output (CopyToPublishDirectory=\"Never\") and pass the values at run time; if it holds no secrets, add " +
        "<SecureContainerSecretScanExclude Include=\"{1}\" Justification=\"why this is not a secret\" />.")
    {
        CliMessageFormat =
            "{0} is a .env file, which usually holds local secrets and is meant to stay on a developer's machine. " +
            "Fix: rebuild the image without it in the publish output and pass the values at run time.",
    };

    public static readonly DiagnosticDescriptor SecretEnvironmentVariable = new(
        "SC7123",
        DiagnosticSeverity.Warning,
        "{0} is named like a secret (*_PASSWORD, *_TOKEN, *_SECRET, *_API_KEY) and has a literal value baked into the image config, which anyone who can pull the image can read (docker inspect). " +
        "Fix: remove the ContainerEnvironmentVariable item and set the variable at run time (docker run -e, a Kubernetes Secret); if it is not a secret, add " +
        "<SecureContainerSecretScanExclude Include=\"{1}\" Justification=\"why this is not a secret\" />.")
    {
        CliMessageFormat =
            "{0} is named like a secret (*_PASSWORD, *_TOKEN, *_SECRET, *_API_KEY) and has a literal value baked into the image config, which anyone who can pull the image can read (docker inspect). " +
            "Fix: rebuild the image without the variable and set it at run time (docker run -e, a Kubernetes Secret); treat the value as leaked.",
    };

    public static readonly DiagnosticDescriptor ExclusionWithoutJustification = new(
        "SC7130",
        DiagnosticSeverity.Error,
        "The SecureContainerSecretScanExclude item '{0}' has no Justification. An exclusion hides a possible secret from review, so it must say why it is safe; the reason is carried into the SARIF report. " +
        "Fix: add Justification=\"...\" to the item.");

    public static readonly DiagnosticDescriptor InvalidExclusion = new(
        "SC7131",
        DiagnosticSeverity.Error,
        "The SecureContainerSecretScanExclude item '{0}' is not valid: {1}. " +
        "Fix: set Include to a path glob relative to the publish directory (for example 'testdata/**' or '*.pfx'), a location such as 'env:NAME', or a rule code (SC7101-SC7123), optionally with Rule=\"SC71xx\".");

    public static readonly DiagnosticDescriptor NotScanned = new(
        "SC7132",
        DiagnosticSeverity.Warning,
        "{0} was not scanned for secrets: {1}. Whatever it holds reaches the image unchecked. Fix: {2}");

    public static readonly DiagnosticDescriptor PartlyScanned = new(
        "SC7133",
        DiagnosticSeverity.Message,
        "{0} is larger than {1} bytes; only its first {1} bytes were scanned for secrets (file-name rules applied in full).");
}
