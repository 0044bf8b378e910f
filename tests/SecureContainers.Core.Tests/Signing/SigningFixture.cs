using System.Diagnostics;
using System.Security.Cryptography;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Tests.Signing;

/// <summary>Keys written to a temp folder, an image in a fake registry, and a way to run the openssl CLI.</summary>
internal sealed class SigningFixture : IDisposable
{
    public const string Host = "registry.test";
    public const string Password = "correct horse battery staple-Ünïcode";

    public SigningFixture()
    {
        Registry = new FakeRegistry(Host);
        Client = new RegistryClient(Registry.Options());
        Image = Registry.AddImage("app", "1.0", new Platform("linux", "amd64"), "1654", MediaTypes.OciManifestV1, [1, 2, 3]);
    }

    public string Dir { get; } = Directory.CreateTempSubdirectory("sc-signing-").FullName;

    public FakeRegistry Registry { get; }

    public RegistryClient Client { get; }

    public FakeRegistry.FakeImage Image { get; }

    public Digest Digest => Image.Digest;

    public string Write(string name, string content)
    {
        string path = Path.Combine(Dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string Write(string name, byte[] content)
    {
        string path = Path.Combine(Dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>An unencrypted PKCS#8 key file and the signer loaded from it.</summary>
    public (string Path, EcdsaFileSigner Signer) NewKey(string name = "key.pem", ECCurve? curve = null)
    {
        using ECDsa key = ECDsa.Create(curve ?? ECCurve.NamedCurves.nistP256);
        string path = Write(name, key.ExportPkcs8PrivateKeyPem());
        using KeyPassword none = KeyPassword.FromChars("", "TEST_PASSWORD");
        return (path, EcdsaFileSigner.Load(path, none));
    }

    public static KeyPassword Pass(string value = Password) => KeyPassword.FromChars(value, "TEST_PASSWORD");

    public static bool HasOpenSsl => Run("openssl", ["version"], null).ExitCode == 0;

    public static (int ExitCode, string Output) Run(string file, IEnumerable<string> args, IDictionary<string, string>? env)
    {
        ProcessStartInfo start = new(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (KeyValuePair<string, string> e in env ?? new Dictionary<string, string>())
        {
            start.Environment[e.Key] = e.Value;
        }

        try
        {
            using Process p = Process.Start(start)!;
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, $"{file} is not installed");
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}
