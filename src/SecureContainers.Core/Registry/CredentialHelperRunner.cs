using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Runs <c>docker-credential-&lt;name&gt; get</c> with the server URL on stdin, per the docker-credential-helpers
/// protocol. Its output is a secret: it is parsed and never logged or quoted in an error.
/// </summary>
internal sealed partial class CredentialHelperRunner(Func<string, string?> getEnvironmentVariable, TimeSpan timeout)
{
    private const int MaxOutputBytes = 1 << 20;

    // The protocol's fixed answer when the helper has nothing for this server (not an error).
    private const string NotFoundMessage = "credentials not found";

    public async Task<RegistryCredential?> GetAsync(string helper, string serverUrl, string registry, string configPath, CancellationToken ct)
    {
        if (!HelperName().IsMatch(helper))
        {
            throw Failed(helper, registry, configPath, "the helper name is not a plain name");
        }

        string executable = FindOnPath("docker-credential-" + helper)
            ?? throw Failed(helper, registry, configPath, "it was not found on PATH");

        ProcessStartInfo start = new(executable, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };

        using Process process = new() { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            throw Failed(helper, registry, configPath, "it could not be started");
        }

        using CancellationTokenSource timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        try
        {
            Task<byte[]> stdout = ReadBoundedAsync(process.StandardOutput.BaseStream, timeoutSource.Token);
            Task<byte[]> stderr = ReadBoundedAsync(process.StandardError.BaseStream, timeoutSource.Token);
            try
            {
                await process.StandardInput.WriteAsync(serverUrl.AsMemory(), timeoutSource.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The helper exited without reading stdin; its exit code says why.
            }

            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
            byte[] output = await stdout.ConfigureAwait(false);
            _ = await stderr.ConfigureAwait(false);

            if (process.ExitCode != 0)
            {
                if (Encoding.UTF8.GetString(output).Contains(NotFoundMessage, StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                throw Failed(helper, registry, configPath, $"it exited with code {process.ExitCode}");
            }

            return Parse(output, helper, registry, configPath);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Kill(process);
            throw Failed(helper, registry, configPath, $"it did not answer within {timeout.TotalSeconds:0} s");
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
    }

    private static RegistryCredential Parse(byte[] output, string helper, string registry, string configPath)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(output);
            JsonElement root = doc.RootElement;
            string? user = root.TryGetProperty("Username", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            string? secret = root.TryGetProperty("Secret", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (string.IsNullOrEmpty(secret))
            {
                throw Failed(helper, registry, configPath, "its answer has no Secret");
            }

            // Helpers report an identity (refresh) token with the user name "<token>".
            return user == "<token>"
                ? new RegistryCredential("", "", secret) { Source = "docker-credential-" + helper }
                : new RegistryCredential(user ?? "", secret) { Source = "docker-credential-" + helper };
        }
        catch (JsonException)
        {
            throw Failed(helper, registry, configPath, "its answer is not the credential JSON");
        }
    }

    private string? FindOnPath(string name)
    {
        string[] suffixes = OperatingSystem.IsWindows() ? [".exe", ".cmd", ".bat", ""] : [""];
        foreach (string dir in (getEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string suffix in suffixes)
            {
                string candidate = Path.Combine(dir, name + suffix);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, CancellationToken ct)
    {
        using MemoryStream buffer = new();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            // Keep draining past the cap so the helper never blocks on a full pipe, but keep no more.
            if (buffer.Length < MaxOutputBytes)
            {
                buffer.Write(chunk, 0, n);
            }
        }

        return buffer.ToArray();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static SecureContainerException Failed(string helper, string registry, string configPath, string why) =>
        new(RegistryDiagnostics.CredentialHelperFailed.Create(helper, registry, why, configPath));

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex HelperName();
}
