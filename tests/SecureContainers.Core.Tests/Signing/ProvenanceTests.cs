using System.Text;
using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Signing.Provenance;

namespace SecureContainers.Core.Tests.Signing;

public class ProvenanceTests
{
    private static ProvenanceInputs Inputs(BuilderIdentity builder) => new()
    {
        Project = "src/App/App.csproj",
        Configuration = "Release",
        RuntimeIdentifiers = ["linux-x64", "linux-arm64", "linux-x64"],
        Tags = ["1.0", "latest"],
        Repository = "registry.test/app",
        SdkVersion = "10.0.401",
        SourceRepository = "https://user:ghp_token@github.com/octo/app.git",
        SourceCommit = "0123456789ABCDEF0123456789abcdef01234567",
        SourceRef = "refs/heads/main",
        BaseImage = "registry.test/base/aspnet",
        BaseImageDigest = Digest.Parse("sha256:" + new string('b', 64)),
        Builder = builder,
        StartedOn = new DateTimeOffset(2025, 1, 2, 4, 4, 5, TimeSpan.FromHours(1)),
        FinishedOn = new DateTimeOffset(2025, 1, 2, 3, 14, 5, TimeSpan.Zero),
    };

    [Fact]
    public void PredicateHasTheSlsaV1ShapeAndIsDeterministic()
    {
        byte[] a = ProvenancePredicate.Create(Inputs(BuilderIdentity.Local));
        byte[] b = ProvenancePredicate.Create(Inputs(BuilderIdentity.Local) with { RuntimeIdentifiers = ["linux-arm64", "linux-x64"] });

        Assert.Equal(a, b);
        string json = Encoding.UTF8.GetString(a);
        Assert.DoesNotContain("ghp_token", json);
        using JsonDocument doc = JsonDocument.Parse(a);
        JsonElement definition = doc.RootElement.GetProperty("buildDefinition");
        Assert.Equal(ProvenancePredicate.BuildType, definition.GetProperty("buildType").GetString());
        Assert.Equal("[\"linux-arm64\",\"linux-x64\"]", definition.GetProperty("externalParameters").GetProperty("runtimeIdentifiers").GetRawText());
        Assert.Equal("10.0.401", definition.GetProperty("internalParameters").GetProperty("sdkVersion").GetString());
        JsonElement[] deps = definition.GetProperty("resolvedDependencies").EnumerateArray().ToArray();
        Assert.Equal("git+https://github.com/octo/app.git@refs/heads/main", deps[0].GetProperty("uri").GetString());
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", deps[0].GetProperty("digest").GetProperty("gitCommit").GetString());
        Assert.StartsWith("pkg:oci/aspnet@sha256%3A", deps[1].GetProperty("uri").GetString());
        Assert.Equal(new string('b', 64), deps[1].GetProperty("digest").GetProperty("sha256").GetString());
        JsonElement run = doc.RootElement.GetProperty("runDetails");
        Assert.Equal(BuilderIdentity.LocalBuilderId, run.GetProperty("builder").GetProperty("id").GetString());
        Assert.Equal("2025-01-02T03:04:05Z", run.GetProperty("metadata").GetProperty("startedOn").GetString());
        Assert.False(run.GetProperty("metadata").TryGetProperty("invocationId", out _));
    }

    [Fact]
    public void GitHubActionsBuilderIsTheWorkflowAtItsRef()
    {
        Dictionary<string, string> env = new()
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_REPOSITORY"] = "octo/app",
            ["GITHUB_RUN_ID"] = "42",
            ["GITHUB_RUN_ATTEMPT"] = "2",
            ["GITHUB_WORKFLOW_REF"] = "octo/app/.github/workflows/release.yml@refs/heads/main",
        };

        BuilderIdentity b = BuilderIdentity.Detect(env.GetValueOrDefault);

        Assert.Equal("github-actions", b.System);
        Assert.Equal("https://github.com/octo/app/.github/workflows/release.yml@refs/heads/main", b.Id);
        Assert.Equal("https://github.com/octo/app/actions/runs/42/attempts/2", b.InvocationId);
    }

    [Fact]
    public void AzurePipelinesAndGitLabAreDetectedAndLocalLeaksNothing()
    {
        Dictionary<string, string> azure = new()
        {
            ["TF_BUILD"] = "True",
            ["SYSTEM_COLLECTIONURI"] = "https://dev.azure.com/org/",
            ["SYSTEM_TEAMPROJECT"] = "My Project",
            ["SYSTEM_DEFINITIONID"] = "7",
            ["BUILD_BUILDID"] = "99",
        };
        Dictionary<string, string> gitlab = new()
        {
            ["GITLAB_CI"] = "true",
            ["CI_SERVER_URL"] = "https://gitlab.example",
            ["CI_PROJECT_PATH"] = "grp/app",
            ["CI_PIPELINE_ID"] = "5",
            ["CI_JOB_URL"] = "https://gitlab.example/grp/app/-/jobs/77",
        };

        BuilderIdentity a = BuilderIdentity.Detect(azure.GetValueOrDefault);
        BuilderIdentity g = BuilderIdentity.Detect(gitlab.GetValueOrDefault);
        BuilderIdentity local = BuilderIdentity.Detect(_ => null);

        Assert.Equal("https://dev.azure.com/org/My%20Project/_build?definitionId=7", a.Id);
        Assert.Equal("https://dev.azure.com/org/My%20Project/_build/results?buildId=99", a.InvocationId);
        Assert.Equal("gitlab-ci", g.System);
        Assert.Equal("https://gitlab.example/grp/app/-/jobs/77", g.InvocationId);
        Assert.Equal(BuilderIdentity.Local, local);
        Assert.DoesNotContain(Environment.MachineName, Encoding.UTF8.GetString(ProvenancePredicate.Create(Inputs(local))));
    }
}
