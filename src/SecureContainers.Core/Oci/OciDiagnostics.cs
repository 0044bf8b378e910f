using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Oci;

/// <summary>Errors in image references and OCI documents (SC30xx, part of the registry access range).</summary>
public static class OciDiagnostics
{
    public static readonly DiagnosticDescriptor InvalidImageReference = new("SC3001", DiagnosticSeverity.Error,
        "'{0}' is not a valid image reference: {1}. Write it as [registry[:port]/]repository[:tag][@sha256:<64 lowercase hex>] with a lowercase repository, for example mcr.microsoft.com/dotnet/aspnet:10.0 (check ContainerBaseImage).")
    {
        CliMessageFormat = "'{0}' is not a valid image reference: {1}. Write the image argument as [registry[:port]/]repository[:tag][@sha256:<64 lowercase hex>] with a lowercase repository, for example localhost:5000/team/app:1.0.",
    };

    public static readonly DiagnosticDescriptor UnsupportedRuntimeIdentifier = new("SC3002", DiagnosticSeverity.Error,
        "The runtime identifier '{0}' has no container platform: images can only be built for {1}. Set ContainerRuntimeIdentifier (or RuntimeIdentifier) to one of them.");

    public static readonly DiagnosticDescriptor MalformedDocument = new("SC3003", DiagnosticSeverity.Error,
        "The {0} of image {1} is not a valid OCI/Docker document: {2}. The registry served corrupt or non-image content, so it cannot be inspected; check the image with `skopeo inspect --raw docker://{1}` and pick another tag or digest.");

    public static readonly DiagnosticDescriptor InvalidDigest = new("SC3004", DiagnosticSeverity.Error,
        "The {0} of image {1} names the content '{2}', which is not a valid sha256/sha512 digest. A digest is the only thing tying content to the manifest, so the image is refused; pick another tag or digest.");

    public static readonly DiagnosticDescriptor UnsupportedMediaType = new("SC3005", DiagnosticSeverity.Error,
        "Image {0} has media type '{1}', which is not an OCI or Docker schema 2 manifest or index. Schema 1 images and non-image artifacts cannot be used as a base image; pick an image pushed by a current tool.")
    {
        CliMessageFormat = "Image {0} has media type '{1}', which is not an OCI or Docker schema 2 manifest or index, so it cannot be read as an image. Check that the image argument names a container image (not a signature or SBOM artifact) pushed by a current tool.",
    };
}
