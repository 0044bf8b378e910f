using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Tests.Signing.Notary;

/// <summary>
/// Envelopes made once per test class by make_notary_fixtures.py (openssl for keys, certificates, signatures and
/// timestamps; a hand-written CBOR encoder for the packing), so none is produced by the code under test. Made lazily,
/// so a class whose tests are skipped (no openssl or python3) never runs the script.
/// </summary>
public sealed class NotaryFixtures : IDisposable
{
    public static readonly Descriptor Target = new("application/vnd.oci.image.manifest.v1+json",
        Digest.Parse("sha256:" + new string('a', 64)), 1234);

    private readonly Lazy<string> _dir = new(Make);

    public byte[] Envelope(string name) => File.ReadAllBytes(Path.Combine(_dir.Value, name + ".cose"));

    public byte[] JwsEnvelope(string name) => File.ReadAllBytes(Path.Combine(_dir.Value, name + ".jws"));

    public X509Certificate2Collection Roots(string name) =>
        [X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_dir.Value, name + ".pem"))];

    private static string Make()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sc-notary-" + Guid.NewGuid().ToString("N"));
        string script = RepositoryRoot.Combine("eng", "testbed", "notary", "make_notary_fixtures.py");
        var start = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { script, dir, Target.MediaType, Target.Digest.ToString(), Target.Size.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"make_notary_fixtures.py failed: {stderr}");
        return dir;
    }

    public void Dispose()
    {
        if (_dir.IsValueCreated)
        {
            Directory.Delete(_dir.Value, recursive: true);
        }
    }
}
