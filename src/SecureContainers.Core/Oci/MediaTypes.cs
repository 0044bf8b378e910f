namespace SecureContainers.Core.Oci;

/// <summary>The manifest and layer media types the client understands (OCI image-spec v1.1 and Docker schema 2).</summary>
public static class MediaTypes
{
    public const string DockerManifestV2 = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestListV2 = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerContainerConfigV1 = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    public const string OciManifestV1 = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndexV1 = "application/vnd.oci.image.index.v1+json";
    public const string OciConfigV1 = "application/vnd.oci.image.config.v1+json";
    public const string OciLayerTar = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string OciLayerNondistributableGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public const string OciEmptyJson = "application/vnd.oci.empty.v1+json";

    /// <summary>Sent as <c>Accept</c> on every manifest GET, so the registry never down-converts to schema 1.</summary>
    public static IReadOnlyList<string> AllManifests { get; } = [OciIndexV1, DockerManifestListV2, OciManifestV1, DockerManifestV2];

    public static bool IsIndex(string? mediaType) => mediaType is OciIndexV1 or DockerManifestListV2;

    public static bool IsImageManifest(string? mediaType) => mediaType is OciManifestV1 or DockerManifestV2;

    public static bool IsManifest(string? mediaType) => IsIndex(mediaType) || IsImageManifest(mediaType);

    public static bool IsGzipLayer(string? mediaType) =>
        mediaType is DockerLayerGzip or DockerForeignLayerGzip or OciLayerGzip or OciLayerNondistributableGzip;

    public static bool IsLayer(string? mediaType) => IsGzipLayer(mediaType) || mediaType is OciLayerTar or OciLayerZstd
        or "application/vnd.oci.image.layer.nondistributable.v1.tar";
}
