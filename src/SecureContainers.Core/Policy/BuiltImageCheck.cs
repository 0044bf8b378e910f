using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Policy;

/// <summary>
/// Defence in depth after the SDK built the image: reads the generated config's <c>User</c> and fails if it is root,
/// malformed, or a user name the gate did not approve (a target between the gate and the SDK could have changed it).
/// </summary>
public static class BuiltImageCheck
{
    public static void CheckUser(string image, string digest, ImageConfig generated, string? approvedUser, bool allowRoot, IDiagnosticSink sink)
    {
        if (allowRoot)
        {
            return;
        }

        string user = generated.User ?? string.Empty;
        if (!IsAcceptable(user, approvedUser, string.Equals(generated.Os, "windows", StringComparison.OrdinalIgnoreCase)))
        {
            string described = user.Length == 0 ? "no user (root)" : $"'{user}'";
            sink.Report(UserDiagnostics.BuiltImageRunsAsRoot.Create(image, digest, described));
        }
    }

    private static bool IsAcceptable(string user, string? approvedUser, bool isWindows)
    {
        if (isWindows)
        {
            return user.Length > 0 && !user.Equals("ContainerAdministrator", StringComparison.OrdinalIgnoreCase);
        }

        if (user.Length == 0 || !UserSpec.TryParse(user, out UserSpec? spec))
        {
            return false;
        }

        return spec!.Uid is uint uid
            ? uid != 0
            : spec.User != "root" && string.Equals(user, approvedUser, StringComparison.Ordinal);
    }

    /// <summary>
    /// The SDK resolves the base tag again when it builds; its <c>org.opencontainers.image.base.digest</c> label says
    /// which manifest it used. It must be the one the gate checked.
    /// </summary>
    public static void CheckBaseImage(string image, ImageConfig generated, string? approvedBaseDigest, string? pinnedReference, IDiagnosticSink sink)
    {
        if (string.IsNullOrEmpty(approvedBaseDigest)
            || !generated.Labels.TryGetValue("org.opencontainers.image.base.digest", out string? used)
            || string.Equals(used, approvedBaseDigest, StringComparison.Ordinal))
        {
            return;
        }

        sink.Report(BaseImageDiagnostics.BaseChangedDuringBuild.Create(image, used, approvedBaseDigest, pinnedReference));
    }
}
