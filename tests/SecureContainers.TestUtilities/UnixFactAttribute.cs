namespace SecureContainers.TestUtilities;

/// <summary>A fact that runs POSIX shell scripts (fake credential helpers): skipped with the reason on Windows.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Runs a POSIX shell script, which Windows cannot execute.";
        }
    }
}
