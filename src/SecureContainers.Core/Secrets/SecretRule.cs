using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// One detection rule. <see cref="Id"/> is a stable kebab-case name (used in SARIF <c>rule.name</c> and accepted in
/// exclusions), <see cref="Code"/> the diagnostic code (SARIF <c>rule.id</c>).
/// </summary>
public sealed record SecretRule(string Id, DiagnosticDescriptor Descriptor, string Title, string Description)
{
    public string Code => Descriptor.Code;

    public DiagnosticSeverity Severity => Descriptor.DefaultSeverity;
}

/// <summary>Every detection rule of the secret scan, in code order.</summary>
public static class SecretRules
{
    public static readonly SecretRule PrivateKey = new(
        "private-key", SecretDiagnostics.PrivateKey, "Private key in the image",
        "A PEM private key block (-----BEGIN [RSA |EC |DSA |ENCRYPTED |OPENSSH |PGP ]PRIVATE KEY-----) followed by key material.");

    public static readonly SecretRule KeyStoreFile = new(
        "key-store-file", SecretDiagnostics.KeyStoreFile, "Key store file in the image",
        "A file with extension .pfx, .p12, .jks or .keystore.");

    public static readonly SecretRule SshKeyFile = new(
        "ssh-private-key-file", SecretDiagnostics.SshKeyFile, "SSH private key file in the image",
        "A file named id_rsa, id_dsa, id_ecdsa, id_ed25519 (or their _sk variants).");

    public static readonly SecretRule GitFolder = new(
        "git-folder", SecretDiagnostics.GitFolder, ".git folder in the image",
        "A directory named .git anywhere in the publish directory.");

    public static readonly SecretRule AwsAccessKey = new(
        "aws-access-key", SecretDiagnostics.AwsAccessKey, "AWS access key with its secret",
        "An AWS access key ID (AKIA followed by 16 upper-case letters or digits) within 10 lines of a 40-character secret access key named like aws_secret_access_key.");

    public static readonly SecretRule GitHubToken = new(
        "github-token", SecretDiagnostics.GitHubToken, "GitHub token",
        "A GitHub token: ghp_/gho_/ghu_/ghs_/ghr_ followed by 36 letters or digits, or github_pat_ followed by 82 letters, digits or underscores.");

    public static readonly SecretRule AzureStorageKey = new(
        "azure-storage-account-key", SecretDiagnostics.AzureStorageKey, "Azure Storage account key",
        "An Azure Storage connection string with AccountKey= and a base64 key (the public Azurite development key is ignored).");

    public static readonly SecretRule JsonWebToken = new(
        "jwt", SecretDiagnostics.JsonWebToken, "JSON Web Token",
        "Three base64url parts separated by dots, signed, whose header decodes to a JSON object with an \"alg\" member.");

    public static readonly SecretRule AppSettingsSecret = new(
        "appsettings-secret", SecretDiagnostics.AppSettingsSecret, "Secret-like setting in appsettings*.json",
        "A string value in appsettings*.json whose key ends in password, pwd, secret, token, apikey, accesskey or privatekey and is not empty or a placeholder.");

    public static readonly SecretRule ConnectionStringPassword = new(
        "connection-string-password", SecretDiagnostics.ConnectionStringPassword, "Connection string with a password",
        "A Password= or Pwd= pair at the start of a connection-string segment with a value that is not empty or a placeholder.");

    public static readonly SecretRule DotEnvFile = new(
        "dotenv-file", SecretDiagnostics.DotEnvFile, ".env file in the image",
        "A file named .env or .env.<name> (except .env.example, .env.sample, .env.template, .env.dist).");

    public static readonly SecretRule SecretEnvironmentVariable = new(
        "secret-environment-variable", SecretDiagnostics.SecretEnvironmentVariable, "Secret-like environment variable",
        "An environment variable whose name ends in PASSWORD, PASSWD, PWD, TOKEN, SECRET, API_KEY, APIKEY, ACCESS_KEY or PRIVATE_KEY (after '_' or '__') with a value that is not empty or a placeholder.");

    public static IReadOnlyList<SecretRule> All { get; } =
    [
        PrivateKey, KeyStoreFile, SshKeyFile, GitFolder, AwsAccessKey, GitHubToken, AzureStorageKey, JsonWebToken,
        AppSettingsSecret, ConnectionStringPassword, DotEnvFile, SecretEnvironmentVariable,
    ];

    /// <summary>Finds a rule by code (<c>SC7101</c>) or id (<c>private-key</c>), ignoring case.</summary>
    public static SecretRule? Find(string codeOrId) =>
        All.FirstOrDefault(r => string.Equals(r.Code, codeOrId, StringComparison.OrdinalIgnoreCase) || string.Equals(r.Id, codeOrId, StringComparison.OrdinalIgnoreCase));
}
