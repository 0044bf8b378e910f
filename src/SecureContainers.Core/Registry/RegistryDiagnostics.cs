using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Registry;

/// <summary>Registry access failures (SC31xx). Every message names the image; none carries a credential or token.</summary>
public static class RegistryDiagnostics
{
    public static readonly DiagnosticDescriptor RegistryUnreachable = new("SC3101", DiagnosticSeverity.Error,
        "Could not reach registry host {0} for image {1}: {2}. Check that the registry is running and that its name and port in ContainerBaseImage (or ContainerRegistry) are right, and that no firewall or proxy blocks it.")
    {
        CliMessageFormat = "Could not reach registry host {0} for image {1}: {2}. Check that the registry is running, that the registry name and port in the image argument are right, and that no firewall or proxy blocks it; retrying later may help.",
    };

    public static readonly DiagnosticDescriptor ManifestNotFound = new("SC3102", DiagnosticSeverity.Error,
        "Image {0} was not found ({1}). Check the repository name and the tag or digest in ContainerBaseImage (or ContainerFamily/ContainerImageTag); `skopeo list-tags docker://{2}` shows the tags that exist.")
    {
        CliMessageFormat = "Image {0} was not found ({1}). Check the repository name and the tag or digest in the image argument; `skopeo list-tags docker://{2}` shows the tags that exist.",
    };

    public static readonly DiagnosticDescriptor Unauthorized = new("SC3103", DiagnosticSeverity.Error,
        "Registry {0} refused access to repository {1} (image {2}): {3}. Provide credentials with `docker login {0}` (or `podman login {0}`), or set DOTNET_CONTAINER_PULL_REGISTRY_UNAME and DOTNET_CONTAINER_PULL_REGISTRY_PWORD, and check that the account may pull this repository.");

    public static readonly DiagnosticDescriptor PlatformNotFound = new("SC3104", DiagnosticSeverity.Error,
        "Image {0} has no manifest for platform {1}; it provides: {2}. Set ContainerRuntimeIdentifier (or RuntimeIdentifier) to a platform the image provides, or choose a base image that is published for {1}.")
    {
        CliMessageFormat = "Image {0} has no manifest for platform {1}; it provides: {2}. Pass --platform with one of the platforms it provides.",
    };

    public static readonly DiagnosticDescriptor PlatformMismatch = new("SC3105", DiagnosticSeverity.Error,
        "Image {0} is a single-platform image for {1}, but {2} was requested. Set ContainerRuntimeIdentifier to match the image, or choose a base image (or multi-platform tag) published for {2}.")
    {
        CliMessageFormat = "Image {0} is for {1}, but --platform {2} was given. Pass --platform {1}, or leave --platform out for a single-platform image.",
    };

    public static readonly DiagnosticDescriptor DigestMismatch = new("SC3106", DiagnosticSeverity.Error,
        "The {0} does not match its digest {1}: got {2}. The registry or something between it and you served altered or corrupt content, so it is refused. Retry; if it persists, report it to the registry operator and do not use this image.");

    public static readonly DiagnosticDescriptor DocumentTooLarge = new("SC3107", DiagnosticSeverity.Error,
        "The {0} of image {1} is {2} bytes, over the {3}-byte limit for manifests and configs, so it was not read. Real image manifests and configs are far smaller; the reference probably names something that is not a container image.");

    public static readonly DiagnosticDescriptor CredentialHelperFailed = new("SC3108", DiagnosticSeverity.Error,
        "The Docker credential helper 'docker-credential-{0}' failed for registry {1}: {2}. Run `docker login {1}` again, or check the helper named in credHelpers/credsStore of {3}; set DOTNET_CONTAINER_PULL_REGISTRY_UNAME/PWORD to bypass it.");

    public static readonly DiagnosticDescriptor RegistryError = new("SC3109", DiagnosticSeverity.Error,
        "Registry {0} answered {1} for image {2}{3}. The registry is failing or rejected the request; retry later, or check the registry's status and the image name in ContainerBaseImage.")
    {
        CliMessageFormat = "Registry {0} answered {1} for image {2}{3}. The registry is failing or rejected the request; retry later, or check the registry's status and the image argument.",
    };

    public static readonly DiagnosticDescriptor InvalidCredentialsFile = new("SC3110", DiagnosticSeverity.Error,
        "The registry credentials file {0} cannot be read: {1}. Fix or remove it (`docker login` rewrites it), or point DOCKER_CONFIG at a valid one.");

    public static readonly DiagnosticDescriptor InvalidAuthChallenge = new("SC3111", DiagnosticSeverity.Error,
        "Registry {0} asked for authentication in a way that is refused for image {1}: {2}. Credentials are only sent over HTTPS (or plain HTTP to a registry listed as insecure); check that ContainerBaseImage names the registry you meant.")
    {
        CliMessageFormat = "Registry {0} asked for authentication in a way that is refused for image {1}: {2}. Credentials are only sent over HTTPS (or plain HTTP to localhost or a registry listed in DOTNET_CONTAINER_INSECURE_REGISTRIES); check that the image argument names the registry you meant.",
    };

    public static readonly DiagnosticDescriptor PushDenied = new("SC3112", DiagnosticSeverity.Error,
        "Registry {0} refused to let you push to repository {1}: {2}. Provide credentials that may push there: set DOTNET_CONTAINER_PUSH_REGISTRY_UNAME and DOTNET_CONTAINER_PUSH_REGISTRY_PWORD (or DOTNET_CONTAINER_REGISTRY_UNAME/PWORD), or run `docker login {0}`, and check that the account has write access to {1}.");

    public static readonly DiagnosticDescriptor UploadFailed = new("SC3113", DiagnosticSeverity.Error,
        "Uploading {0} to {1}/{2} failed: {3}. The registry refused or lost the upload; retry, and if it persists check the registry's storage, quota and logs.");

    public static readonly DiagnosticDescriptor ManifestRejected = new("SC3114", DiagnosticSeverity.Error,
        "Registry {0} rejected the {1} pushed to {2}: {3}. The registry does not accept this kind of manifest (for example an OCI artifact with 'subject'/'artifactType' on an old registry) or is missing a blob it references; check the registry's version and what it supports.");

    public static readonly DiagnosticDescriptor TaggedDocumentUnusable = new("SC3115", DiagnosticSeverity.Error,
        "The {0} at tag {1}/{2}:{3} cannot be updated: {4}. It was left untouched. Inspect it with `skopeo inspect --raw docker://{1}/{2}:{3}`; if another tool wrote it, repair or delete that tag, then retry.");

    public static readonly DiagnosticDescriptor TooManyReferrers = new("SC3116", DiagnosticSeverity.Error,
        "The referrers of {0} in {1}/{2} number more than {3}, so no more were read or added. Old attestations or SBOMs pile up when every build attaches new ones; delete stale referrers (and their entries in tag {4}) or use a registry with the OCI referrers API.");

    public static readonly DiagnosticDescriptor TagUpdateConflict = new("SC3117", DiagnosticSeverity.Error,
        "Tag {0}/{1}:{2} kept losing entries while it was being updated ({3} writes, each read back): another client is writing it at the same time and dropping what it did not read. Still missing: {4}. Retry when the other publish has finished.");

    public static readonly DiagnosticDescriptor TagReadFailed = new("SC3118", DiagnosticSeverity.Error,
        "Reading {0} of {1}/{2}{3} failed: {4}. The registry is failing or dropped the connection; retry, and if it persists check the registry's status and logs.");
}
