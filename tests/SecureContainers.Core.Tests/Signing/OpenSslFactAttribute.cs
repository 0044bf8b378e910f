namespace SecureContainers.Core.Tests.Signing;

/// <summary>A fact that needs the openssl CLI, reported as skipped (not passed) on a machine without it.</summary>
public sealed class OpenSslFactAttribute : FactAttribute
{
    public OpenSslFactAttribute()
    {
        if (!SigningFixture.HasOpenSsl)
        {
            Skip = "the openssl CLI is not installed";
        }
    }
}
