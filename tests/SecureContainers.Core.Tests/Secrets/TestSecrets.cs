using System.Security.Cryptography;
using System.Text;

namespace SecureContainers.Core.Tests.Secrets;

/// <summary>
/// Secret-shaped values made at run time, so the repository itself carries no token or key that a push-protection
/// scanner would (rightly) block, and so the redaction tests know the exact bytes that must not leak.
/// </summary>
internal static class TestSecrets
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Digits = "0123456789";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";

    public static string Random(string alphabet, int length) =>
        string.Create(length, alphabet, (span, a) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = a[RandomNumberGenerator.GetInt32(a.Length)];
            }
        });

    public static string GitHubPat() => "ghp_" + Random(Upper + Lower + Digits, 36);

    public static string GitHubFineGrainedPat() => "github_pat_" + Random(Upper + Lower + Digits + "_", 82);

    public static string AwsKeyId() => "AKIA" + Random(Upper + Digits, 16);

    public static string AwsSecret() => Random(Upper + Lower + Digits + "/+", 40);

    public static string AzureKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    public static string AzureConnectionString(string key) =>
        $"DefaultEndpointsProtocol=https;AccountName=acct{Random(Lower, 6)};AccountKey={key};EndpointSuffix=core.windows.net";

    public static string Password() => "Pw!" + Random(Upper + Lower + Digits, 20);

    public static string RsaPem()
    {
        using RSA rsa = RSA.Create(2048);
        return rsa.ExportRSAPrivateKeyPem();
    }

    public static string Pkcs8Pem()
    {
        using ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ec.ExportPkcs8PrivateKeyPem();
    }

    public static string Jwt(string headerJson = """{"alg":"HS256","typ":"JWT"}""")
    {
        string header = Base64Url(Encoding.UTF8.GetBytes(headerJson));
        string payload = Base64Url(Encoding.UTF8.GetBytes($$"""{"sub":"{{Random(Digits, 10)}}","name":"test"}"""));
        string signature = Base64Url(HMACSHA256.HashData(RandomNumberGenerator.GetBytes(32), Encoding.ASCII.GetBytes(header + "." + payload)));
        return $"{header}.{payload}.{signature}";
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
