namespace SecureContainers.Core.Signing.Provenance;

/// <summary>
/// Who ran the build, for SLSA <c>runDetails.builder.id</c> and <c>metadata.invocationId</c>, detected from the CI
/// system's environment variables. A local build gets <see cref="LocalBuilderId"/> and no invocation id: nothing about
/// the machine (host name, user, paths) is recorded.
/// </summary>
/// <param name="System"><c>github-actions</c>, <c>azure-pipelines</c>, <c>gitlab-ci</c> or <c>local</c>.</param>
public sealed record BuilderIdentity(string System, string Id, string? InvocationId)
{
    public const string LocalBuilderId = "https://securecontainers.dev/builders/local";

    public static BuilderIdentity Local { get; } = new("local", LocalBuilderId, null);

    /// <summary>Reads the CI variables through <paramref name="getEnvironmentVariable"/> (default: the process environment).</summary>
    public static BuilderIdentity Detect(Func<string, string?>? getEnvironmentVariable = null)
    {
        Func<string, string?> env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        string? Get(string name) => env(name) is { Length: > 0 } v ? v.Trim() : null;

        if (string.Equals(Get("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            string server = (HttpUrl(Get("GITHUB_SERVER_URL")) ?? "https://github.com").TrimEnd('/');
            string? repository = Get("GITHUB_REPOSITORY");
            string? workflowRef = Get("GITHUB_WORKFLOW_REF");
            string? runId = Get("GITHUB_RUN_ID");
            string? attempt = Get("GITHUB_RUN_ATTEMPT");
            // The workflow file at its ref is what SLSA's GitHub builders use as the builder identity.
            string id = workflowRef is not null ? $"{server}/{workflowRef}" : repository is not null ? $"{server}/{repository}/actions" : $"{server}/actions";
            string? invocation = repository is not null && runId is not null
                ? $"{server}/{repository}/actions/runs/{runId}" + (attempt is not null ? $"/attempts/{attempt}" : "")
                : null;
            return new BuilderIdentity("github-actions", id, invocation);
        }

        if (string.Equals(Get("TF_BUILD"), "true", StringComparison.OrdinalIgnoreCase))
        {
            string collection = HttpUrl(Get("SYSTEM_COLLECTIONURI")) ?? "https://dev.azure.com/";
            if (!collection.EndsWith('/'))
            {
                collection += "/";
            }

            string? project = Get("SYSTEM_TEAMPROJECT") is string p ? Uri.EscapeDataString(p) : null;
            string? definition = Get("SYSTEM_DEFINITIONID");
            string? buildId = Get("BUILD_BUILDID");
            string projectUrl = project is null ? collection.TrimEnd('/') : collection + project;
            string id = definition is not null ? $"{projectUrl}/_build?definitionId={Uri.EscapeDataString(definition)}" : $"{projectUrl}/_build";
            string? invocation = buildId is not null ? $"{projectUrl}/_build/results?buildId={Uri.EscapeDataString(buildId)}" : null;
            return new BuilderIdentity("azure-pipelines", id, invocation);
        }

        if (string.Equals(Get("GITLAB_CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            string server = (HttpUrl(Get("CI_SERVER_URL")) ?? "https://gitlab.com").TrimEnd('/');
            string? path = Get("CI_PROJECT_PATH");
            string? runner = Get("CI_RUNNER_ID");
            string projectUrl = path is null ? server : $"{server}/{path}";
            string id = runner is not null ? $"{projectUrl}/-/runners/{Uri.EscapeDataString(runner)}" : projectUrl;
            string? invocation = HttpUrl(Get("CI_JOB_URL"))
                ?? (Get("CI_PIPELINE_ID") is string pipeline && path is not null ? $"{projectUrl}/-/pipelines/{Uri.EscapeDataString(pipeline)}" : null);
            return new BuilderIdentity("gitlab-ci", id, invocation);
        }

        return Local;
    }

    /// <summary>An absolute http(s) URL with any user info removed (a token in a URL must not land in provenance).</summary>
    internal static string? HttpUrl(string? value)
    {
        if (value is null || !Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return null;
        }

        return uri.UserInfo.Length == 0 ? value : new UriBuilder(uri) { UserName = "", Password = "" }.Uri.AbsoluteUri;
    }
}
