namespace SecureContainers.Core.Diagnostics;

/// <summary>
/// A failure the user can act on. It always carries a coded diagnostic, so the front ends log it as such and
/// never print a stack trace. Its message must not contain secrets (credentials, key material).
/// </summary>
public sealed class SecureContainerException : Exception
{
    public SecureContainerException(Diagnostic diagnostic, Exception? inner = null)
        : base(diagnostic.ToString(), inner)
    {
        Diagnostic = diagnostic;
    }

    public Diagnostic Diagnostic { get; }
}
