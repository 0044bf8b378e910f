using System.Net;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Keyless;

namespace SecureContainers.Core.Tests.Signing.Keyless;

/// <summary>Where the identity token comes from, and that neither it nor the GitHub request token ever shows in an error.</summary>
public sealed class OidcTokenSourceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task NoSourceIsSC6050NamingEveryVariableLookedFor()
    {
        using FakeSigstore fake = new();
        using HttpClient http = fake.Client();

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() => OidcTokenSource.GetAsync(_ => null, http, Timeout, default));

        Assert.Equal("SC6050", e.Diagnostic.Code);
        Assert.Contains("SIGSTORE_ID_TOKEN", e.Message, StringComparison.Ordinal);
        Assert.Contains("ACTIONS_ID_TOKEN_REQUEST_URL", e.Message, StringComparison.Ordinal);
        Assert.Contains("ACTIONS_ID_TOKEN_REQUEST_TOKEN", e.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public void OnlyTheGitHubUrlWithoutItsTokenIsNoSource() =>
        Assert.Null(OidcTokenSource.Detect(n => n == "ACTIONS_ID_TOKEN_REQUEST_URL" ? FakeSigstore.TokenUrl : null));

    [Fact]
    public async Task GitHubActionsIsAskedWithTheRequestTokenAsBearerAndAudienceSigstore()
    {
        using FakeSigstore fake = new();
        using HttpClient http = fake.Client();

        IdentityToken token = await OidcTokenSource.GetAsync(fake.GitHubActionsEnvironment, http, Timeout, default);

        var request = Assert.Single(fake.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("https://token.test/idtoken?api-version=2.0&audience=sigstore", request.Uri.AbsoluteUri);
        Assert.Equal($"Bearer {FakeSigstore.RequestToken}", request.Authorization);
        Assert.Equal(FakeSigstore.Issuer, token.Issuer);
        Assert.Equal(FakeSigstore.Subject, token.Challenge);
        Assert.Equal(["sigstore"], token.Audiences);
    }

    [Fact]
    public async Task AnExplicitSigstoreIdTokenWinsOverGitHubActionsAndNeedsNoRequest()
    {
        using FakeSigstore fake = new();
        using HttpClient http = fake.Client();
        string gitlab = FakeSigstore.MakeJwt(new { iss = "https://gitlab.com", sub = "project_path:group/app:ref_type:branch:ref:main", aud = "sigstore" });

        IdentityToken token = await OidcTokenSource.GetAsync(n => n == "SIGSTORE_ID_TOKEN" ? gitlab : fake.GitHubActionsEnvironment(n), http, Timeout, default);

        Assert.Equal("https://gitlab.com", token.Issuer);
        Assert.Equal("SIGSTORE_ID_TOKEN", token.Source);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task ARefusedRequestTokenIsSC6051NamingTheHostOnlyAndNeverTheRequestToken()
    {
        using FakeSigstore fake = new();
        // A runner that echoes what it was sent, including the bearer.
        fake.Overrides["/idtoken"] = _ => FakeSigstore.Answer(HttpStatusCode.Unauthorized, $$"""{"message":"bad credentials {{FakeSigstore.RequestToken}}"}""");
        using HttpClient http = fake.Client();

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() => OidcTokenSource.GetAsync(fake.GitHubActionsEnvironment, http, Timeout, default));

        Assert.Equal("SC6051", e.Diagnostic.Code);
        Assert.Contains("token.test", e.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSigstore.RequestToken, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("idtoken", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("""{"count":0}""", "no 'value'")]
    public async Task AnAnswerWithoutATokenIsSC6051(string answer, string detail)
    {
        using FakeSigstore fake = new();
        fake.Overrides["/idtoken"] = _ => FakeSigstore.Answer(HttpStatusCode.OK, answer);
        using HttpClient http = fake.Client();

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() => OidcTokenSource.GetAsync(fake.GitHubActionsEnvironment, http, Timeout, default));

        Assert.Equal("SC6051", e.Diagnostic.Code);
        Assert.Contains(detail, e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedTokens() => new()
    {
        { "ghp_an-access-token-not-a-jwt", "3" },
        { "a.b", "3" },
        { "eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln", "not a JSON object" },
        { FakeSigstore.MakeJwt(new { sub = "someone" }), "'iss'" },
        { FakeSigstore.MakeJwt(new { iss = "https://accounts.example.com" }), "neither a 'sub' nor an 'email'" },
        { FakeSigstore.MakeJwt(new { iss = "https://accounts.example.com", sub = "1", email = "dev@example.com", email_verified = false }), "not verified" },
    };

    [Theory]
    [MemberData(nameof(MalformedTokens))]
    public void AMalformedTokenIsSC6052SayingWhatIsWrongWithoutQuotingIt(string jwt, string detail)
    {
        SecureContainerException e = Assert.Throws<SecureContainerException>(() => IdentityToken.Parse(jwt, "SIGSTORE_ID_TOKEN"));

        Assert.Equal("SC6052", e.Diagnostic.Code);
        Assert.Contains(detail, e.Message, StringComparison.Ordinal);
        Assert.Contains("SIGSTORE_ID_TOKEN", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(jwt, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AVerifiedEmailIsTheChallengeFulcioExpectsElseTheSubject()
    {
        IdentityToken withEmail = IdentityToken.Parse(FakeSigstore.MakeJwt(new { iss = "https://accounts.google.com", sub = "1234", email = "dev@example.com", email_verified = true }), "test");
        IdentityToken withoutEmail = IdentityToken.Parse(FakeSigstore.MakeJwt(new { iss = "https://accounts.google.com", sub = "1234" }), "test");

        Assert.Equal("dev@example.com", withEmail.Challenge);
        Assert.Equal("1234", withoutEmail.Challenge);
    }

    [Fact]
    public void ATokenPrintedByMistakeShowsAPlaceholder()
    {
        string jwt = FakeSigstore.MakeJwt(new { iss = FakeSigstore.Issuer, sub = FakeSigstore.Subject });
        IdentityToken token = IdentityToken.Parse(jwt, "SIGSTORE_ID_TOKEN");

        Assert.DoesNotContain(jwt.Split('.')[1], $"{token}", StringComparison.Ordinal);
        Assert.Contains("SIGSTORE_ID_TOKEN", $"{token}", StringComparison.Ordinal);
    }
}
