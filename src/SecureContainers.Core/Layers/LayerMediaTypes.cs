using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Layers;

internal enum LayerCompression
{
    None,
    Gzip,
}

/// <summary>Maps a layer media type to how its bytes are compressed, refusing what the BCL cannot decompress.</summary>
internal static class LayerMediaTypes
{
    public static LayerCompression GetCompression(LayerRef layer)
    {
        string mediaType = layer.MediaType ?? string.Empty;
        switch (mediaType)
        {
            case "application/vnd.docker.image.rootfs.diff.tar.gzip":
            case "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip":
            case "application/vnd.oci.image.layer.v1.tar+gzip":
            case "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip":
                return LayerCompression.Gzip;
            case "application/vnd.oci.image.layer.v1.tar":
            case "application/vnd.oci.image.layer.nondistributable.v1.tar":
            case "application/vnd.docker.image.rootfs.diff.tar":
                return LayerCompression.None;
        }

        string reason = mediaType.EndsWith("+zstd", StringComparison.Ordinal) || mediaType.EndsWith(".zstd", StringComparison.Ordinal)
            ? "zstd is not supported"
            : "not a known layer media type";
        throw new SecureContainerException(LayerDiagnostics.UnsupportedLayerCompression.Create(layer.Digest, mediaType, reason));
    }
}
