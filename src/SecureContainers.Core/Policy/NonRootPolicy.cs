using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Policy;

/// <summary>
/// The non-root gate: decides from the effective user (and, for user names, the base image's /etc/passwd) whether
/// the image would run as root, and reports coded findings. It never throws for bad input; a bad value is a finding.
/// </summary>
public static class NonRootPolicy
{
    /// <summary>Whether deciding needs the base image's /etc/passwd (a Linux user given by name other than root).</summary>
    public static bool NeedsPasswd(EffectiveUser user, bool isWindows) =>
        !isWindows
        && UserSpec.TryParse(user.Value, out UserSpec? spec)
        && !spec!.IsNumeric
        && spec.User != "root";

    /// <param name="image">How the image is named in messages (reference and platform).</param>
    /// <param name="lookupUid">Maps a user name through the base image's /etc/passwd; <c>null</c> when the image has no /etc/passwd.</param>
    public static IReadOnlyList<Diagnostic> Evaluate(string image, EffectiveUser user, bool isWindows, Func<string, uint?>? lookupUid, bool allowRoot)
    {
        Diagnostic? finding = isWindows ? EvaluateWindows(image, user) : EvaluateLinux(image, user, lookupUid);
        if (finding is null)
        {
            return [];
        }

        bool isRootFinding = finding.Descriptor == UserDiagnostics.RunsAsRoot
            || finding.Descriptor == UserDiagnostics.NameMapsToRoot
            || finding.Descriptor == UserDiagnostics.WindowsAdministrator;
        if (allowRoot && isRootFinding)
        {
            return [UserDiagnostics.RootAllowed.Create(image, user.Describe())];
        }

        return [finding];
    }

    private static Diagnostic? EvaluateLinux(string image, EffectiveUser user, Func<string, uint?>? lookupUid)
    {
        if (user.Source == UserSource.None)
        {
            return UserDiagnostics.RunsAsRoot.Create(image, user.Describe());
        }

        if (!UserSpec.TryParse(user.Value, out UserSpec? spec))
        {
            return UserDiagnostics.MalformedUser.Create(image, user.Describe());
        }

        if (spec!.Uid is uint uid)
        {
            return uid == 0 ? UserDiagnostics.RunsAsRoot.Create(image, user.Describe()) : null;
        }

        if (spec.User == "root")
        {
            return UserDiagnostics.RunsAsRoot.Create(image, user.Describe());
        }

        if (lookupUid is null)
        {
            return UserDiagnostics.UnknownUserName.Create(image, user.Describe(), "the base image has no /etc/passwd");
        }

        return lookupUid(spec.User) switch
        {
            null => UserDiagnostics.UnknownUserName.Create(image, user.Describe(), $"the base image's /etc/passwd has no user '{spec.User}'"),
            0 => UserDiagnostics.NameMapsToRoot.Create(image, user.Describe()),
            uint mapped => UserDiagnostics.NamedUser.Create(image, user.Describe(), mapped),
        };
    }

    private static Diagnostic? EvaluateWindows(string image, EffectiveUser user)
    {
        // Windows images have no /etc/passwd; the built-in accounts are ContainerAdministrator and ContainerUser.
        // With no user set, Server Core images run as ContainerAdministrator, so "none" cannot be proven safe.
        if (user.Source == UserSource.None || user.Value.Equals("ContainerAdministrator", StringComparison.OrdinalIgnoreCase))
        {
            return UserDiagnostics.WindowsAdministrator.Create(image, user.Describe());
        }

        return null;
    }
}
