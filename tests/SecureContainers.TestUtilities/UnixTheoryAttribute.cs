namespace SecureContainers.TestUtilities;

/// <summary>A theory whose data holds only outside Windows: skipped there with the reason given.</summary>
public sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute(string whyNotOnWindows)
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = whyNotOnWindows;
        }
    }
}
