using System.Globalization;

namespace SecureContainers.Core.Policy;

/// <summary>
/// A parsed OCI <c>User</c> value: <c>user</c>, <c>uid</c>, <c>user:group</c>, <c>uid:gid</c> (image-spec config).
/// IDs are 32-bit unsigned; 4294967295 is (uid_t)-1, which no kernel accepts as an ID, so it is malformed too.
/// </summary>
public sealed record UserSpec(string User, uint? Uid, string? Group)
{
    public bool IsNumeric => Uid is not null;

    public static bool TryParse(string value, out UserSpec? spec)
    {
        spec = null;
        string[] parts = value.Split(':');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0 || p.Any(char.IsWhiteSpace)))
        {
            return false;
        }

        if (parts.Length == 2 && parts[1].All(char.IsAsciiDigit) && !TryParseId(parts[1], out _))
        {
            return false;
        }

        string user = parts[0];
        uint? uid = null;
        if (user.All(char.IsAsciiDigit))
        {
            if (!TryParseId(user, out uint parsed))
            {
                return false;
            }

            uid = parsed;
        }
        else if (!IsValidName(user))
        {
            // '-1', '+5', names with '/' and the like: the runtime would reject them or read them differently.
            return false;
        }

        spec = new UserSpec(user, uid, parts.Length == 2 ? parts[1] : null);
        return true;
    }

    private static bool TryParseId(string digits, out uint id) =>
        uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id != uint.MaxValue;

    // POSIX portable user names plus the characters shadow-utils accepts; a leading '-' would read as an option.
    private static bool IsValidName(string name) =>
        name[0] != '-' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '$');
}
