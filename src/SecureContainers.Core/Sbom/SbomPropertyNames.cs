namespace SecureContainers.Core.Sbom;

/// <summary>
/// Names of the CycloneDX properties SecureContainers writes. They are part of the output contract (policies and
/// scanners query them), so they never change once shipped.
/// </summary>
public static class SbomPropertyNames
{
    /// <summary>One per tag the image was pushed with, in push order.</summary>
    public const string ImageTag = "securecontainers:image:tag";

    /// <summary><c>true</c> when the project references the package or project itself, <c>false</c> when it is transitive.</summary>
    public const string NuGetDirect = "securecontainers:nuget:direct";

    /// <summary>
    /// <c>false</c> when the package's own files are not in the image: it is listed because the app's dependency graph
    /// runs through it (a meta-package, or a PrivateAssets="all" package another package needs).
    /// </summary>
    public const string NuGetRuntimeAssets = "securecontainers:nuget:runtimeAssets";

    public const string TargetFramework = "securecontainers:dotnet:targetFramework";

    public const string RuntimeIdentifier = "securecontainers:dotnet:runtimeIdentifier";

    /// <summary><c>true</c> when the app is self-contained (it ships its own runtime as runtime packs).</summary>
    public const string SelfContained = "securecontainers:dotnet:selfContained";

    /// <summary>On the image: <c>registry/repository</c> of the base image.</summary>
    public const string BaseImageName = "securecontainers:baseImage:name";

    /// <summary>On the image: the base image's manifest digest.</summary>
    public const string BaseImageDigest = "securecontainers:baseImage:digest";

    /// <summary>On a NuGet package restore resolved but the image does not contain (scope <c>excluded</c>): why it is not shipped.</summary>
    public const string NuGetNotShipped = "securecontainers:nuget:notShipped";

    /// <summary>On the base image: the Notary trust policy its signature was verified under.</summary>
    public const string NotaryPolicy = "securecontainers:notary:policy";

    /// <summary>On the base image: the subject of the certificate that signed its manifest (Notary Project).</summary>
    public const string NotarySigner = "securecontainers:notary:signer";

    /// <summary>On the base image: the digest of the verified Notary signature artifact of its manifest.</summary>
    public const string NotarySignature = "securecontainers:notary:signature";

    /// <summary>On the base image: the trusted time of that signature (RFC 3161 timestamp, else the signing time), RFC 3339.</summary>
    public const string NotarySignedAt = "securecontainers:notary:signedAt";

    /// <summary>On the base image, when it came from an index: the digest of the index's verified Notary signature artifact.</summary>
    public const string NotaryIndexSignature = "securecontainers:notary:indexSignature";

    /// <summary>The digest of the image layer the component's files (or its package database record) came from; one per layer.</summary>
    public const string LayerDigest = "securecontainers:layer:digest";

    /// <summary>On a .NET shared framework: its folder in the image, e.g. <c>/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0</c>.</summary>
    public const string DotNetFrameworkPath = "securecontainers:dotnet:frameworkPath";

    /// <summary>
    /// On a .NET shared framework: the purl of the runtime pack with the same files for the app's RID, which is how
    /// GitHub advisories name the runtime; it is not a package in the image.
    /// </summary>
    public const string DotNetRuntimePackEquivalent = "securecontainers:dotnet:runtimePackEquivalent";

    /// <summary>On a runtime pack: the shared framework it stands for (<c>Microsoft.NETCore.App</c>).</summary>
    public const string DotNetFrameworkName = "securecontainers:dotnet:frameworkName";

    /// <summary>On an OS package: the vendor the package database names (rpm <c>VENDOR</c>, e.g. <c>Microsoft Corporation</c>).</summary>
    public const string OsVendor = "securecontainers:os:vendor";

    /// <summary>
    /// Prefix of an rpm package's database digests: <c>securecontainers:rpm:sigmd5</c> (MD5 of header and payload) and
    /// <c>securecontainers:rpm:sha256header</c> (SHA-256 of the header), hex as <c>rpm -q --qf</c> prints them. They
    /// identify the exact build installed; they are not hashes of a file in the image, so they are not CycloneDX hashes.
    /// </summary>
    public const string RpmDigestPrefix = "securecontainers:rpm:";

    /// <summary>On an OS package: the source package it was built from (dpkg <c>Source</c>, apk origin, rpm source rpm).</summary>
    public const string OsSourcePackage = "securecontainers:os:sourcePackage";

    /// <summary>On an OS package: the source package's version when dpkg gives one that differs from the binary's.</summary>
    public const string OsSourceVersion = "securecontainers:os:sourceVersion";

    /// <summary>
    /// On a deb package of a chiseled image: the chisel slices of it the image holds, as chisel's manifest names them,
    /// sorted and comma-separated (<c>libc6_config,libc6_libs</c>). Only those slices' files are in the image.
    /// </summary>
    public const string ChiselSlices = "securecontainers:chisel:slices";

    /// <summary>On the operating-system component: os-release <c>VERSION_CODENAME</c> (e.g. <c>bookworm</c>).</summary>
    public const string OsVersionCodename = "securecontainers:os:versionCodename";
}
