using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecureContainers.Cli.Commands;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Cli.Tests;

/// <summary>
/// What every verb promises a pipeline: with <c>--output json</c> one JSON document on standard output whatever happens,
/// and error text that gives command-line advice (options, environment variables), never MSBuild property syntax.
/// </summary>
public partial class CliContractTests
{
    private const string Repo = "team/app";
    private static readonly Platform Amd64 = new("linux", "amd64");

    /// <summary>The verbs with <c>--output text|json</c>; <see cref="EveryVerbWithAReportFormatIsCoveredHere"/> keeps it complete.</summary>
    private static readonly string[] ReportingVerbNames = ["verify", "attach", "sign", "attest", "check", "scan", "diff"];

    public static TheoryData<string> ReportingVerbs => new(ReportingVerbNames);

    [Fact]
    public void EveryVerbWithAReportFormatIsCoveredHere()
    {
        RootCommand root = CliApp.CreateRootCommand(new CliContext { StandardOutput = Stream.Null, Output = TextWriter.Null, Error = TextWriter.Null });
        string[] withFormat = root.Subcommands.Where(c => c.Options.Any(OutputFormatOption.IsReportFormat)).Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(ReportingVerbNames.Order(StringComparer.Ordinal), withFormat);
    }

    [Theory]
    [MemberData(nameof(ReportingVerbs))]
    public async Task JsonOutputOfACodedFailureIsAnErrorDocument(string verb)
    {
        using Fixture f = new();

        CliResult result = await f.Cli.RunAsync([.. f.Args(verb, $"{CliHarness.Host}/{Repo}:missing"), "--output", "json"]);

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.StartsWith("error SC3102: ", result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        AssertErrorDocument(doc.RootElement, verb, ExitCode.Failure, "SC3102");
    }

    [Theory]
    [MemberData(nameof(ReportingVerbs))]
    public async Task JsonOutputOfACommandLineThatDoesNotParseIsAnErrorDocument(string verb)
    {
        // With an image argument: a verb without required options (check) would otherwise take the unknown option as its image.
        CliResult result = await new CliHarness().RunAsync(verb, $"{CliHarness.Host}/{Repo}:1.0", "--output", "json", "--no-such-option");

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        AssertErrorDocument(doc.RootElement, verb, ExitCode.UsageError, "SC1101");
    }

    [Fact]
    public async Task TextOutputOfAFailurePrintsNothingOnStandardOutput()
    {
        using Fixture f = new();

        CliResult result = await f.Cli.RunAsync([.. f.Args("sign", $"{CliHarness.Host}/{Repo}:missing")]);

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Equal("", result.Output);
    }

    /// <summary>Every failure path of the tool reachable in-process, with the code it must give.</summary>
    public static TheoryData<string, string[]> FailurePaths => new()
    {
        { "SC3001", ["sign", "Registry.Test/Team/App:1.0", "--key", "{key}"] },
        { "SC3001", ["verify", "registry.test/team/app:bad tag", "--key", "{pub}"] },
        { "SC3102", ["sbom", "registry.test/team/app:missing"] },
        { "SC3102", ["sbom", "generate", "registry.test/team/app:missing"] },
        { "SC3102", ["check", "registry.test/team/app:missing"] },
        { "SC3001", ["check", "registry.test/team/app:1.0", "--base", "Not A Reference"] },
        { "SC3102", ["attach", "registry.test/team/app:missing", "--sbom", "{sbom}"] },
        { "SC3104", ["sign", "registry.test/team/app:multi", "--key", "{key}", "--platform", "linux/s390x"] },
        { "SC3105", ["attest", "registry.test/team/app:1.0", "--key", "{key}", "--provenance", "--platform", "linux/arm64"] },
        { "SC3101", ["sign", "localhost:{closed}/team/app:1.0", "--key", "{key}"] },
        { "SC3101", ["attach", "localhost:{closed}/team/app:1.0", "--sbom", "{sbom}"] },
        { "SC5201", ["sbom", "registry.test/team/app:1.0"] },
        { "SC6001", ["sign", "registry.test/team/app:1.0", "--key", "/nonexistent/signing.key"] },
        { "SC6001", ["verify", "registry.test/team/app:1.0", "--key", "/nonexistent/signing.pub"] },
        { "SC6002", ["sign", "registry.test/team/app:1.0", "--key", "{pub}"] },
        { "SC6005", ["sign", "registry.test/team/app:1.0", "--key", "{encrypted}"] },
        { "SC6005", ["attest", "registry.test/team/app:1.0", "--key", "{encrypted}", "--provenance"] },
        { "SC6010", ["sign", "registry.test/team/app:1.0", "--key", "{key}", "--key-password-variable", "1-bad"] },
        { "SC6010", ["keygen", "--output", "{dir}", "--password-variable", "1-bad"] },
        { "SC6020", ["verify", "registry.test/team/app:1.0", "--key", "{pub}"] },
        { "SC1109", ["sign", "registry.test/team/app:1.0"] },
        { "SC1101", ["sign"] },
        { "SC1102", ["attach", "registry.test/team/app:1.0", "--sbom", "{sbom}", "--platform", "Linux"] },
        { "SC1103", ["attach", "registry.test/team/app:1.0", "--sbom", "{key}"] },
        { "SC1104", ["attest", "registry.test/team/app:1.0", "--key", "{key}", "--sbom", "/nonexistent/sbom.json"] },
        { "SC1105", ["attest", "registry.test/team/app:1.0", "--key", "{key}"] },
        { "SC1106", ["attest", "registry.test/team/app:1.0", "--key", "{key}", "--provenance", "--source-commit", "HEAD"] },
        { "SC1107", ["attest", "registry.test/team/app:1.0", "--key", "{key}", "--sbom", "{sbom}", "--source-ref", "refs/heads/main"] },
        { "SC1115", ["verify", "registry.test/team/app:1.0", "--certificate-identity", "dev@example.com", "--trusted-root", "{root}"] },
        { "SC1115", ["verify", "registry.test/team/app:1.0", "--key", "{pub}", "--certificate-identity", "dev@example.com", "--certificate-oidc-issuer", "https://accounts.google.com"] },
        { "SC1115", ["verify", "registry.test/team/app:1.0", "--certificate-identity", "dev@example.com", "--certificate-oidc-issuer", "https://accounts.google.com"] },
        { "SC1116", ["verify", "registry.test/team/app:1.0", "--notary", "--key", "{pub}"] },
        { "SC1117", ["scan", "/nonexistent/app.cdx.json", "--db", "{dir}"] },
        { "SC1117", ["diff", "{key}", "registry.test/team/app:1.0"] },
        { "SC1118", ["scan", "{sbom}", "--db", "/nonexistent/osv"] },
        { "SC5201", ["scan", "registry.test/team/app:1.0", "--db", "{dir}"] },
        { "SC3101", ["scan", "localhost:{closed}/team/app:1.0", "--db", "{dir}"] },
        { "SC5201", ["diff", "{sbom}", "registry.test/team/app:1.0"] },
        { "SC1116", ["verify", "registry.test/team/app:1.0", "--notary-trust-policy", "{sbom}"] },
        { "SC4140", ["verify", "registry.test/team/app:1.0", "--notary", "--notary-trust-policy", "{sbom}"] },
        { "SC4140", ["check", "registry.test/team/app:1.0", "--no-advisories", "--notary-trust-policy", "/nonexistent/trustpolicy.json"] },
        { "SC4141", ["check", "registry.test/team/app:1.0", "--no-advisories", "--notary-trust-store", "{dir}"] },
        { "SC4144", ["verify", "registry.test/team/app:1.0", "--notary"] },
        { "SC6070", ["verify", "registry.test/team/app:1.0", "--certificate-identity", "dev@example.com", "--certificate-oidc-issuer", "https://accounts.google.com", "--trusted-root", "/nonexistent/trusted_root.json"] },
        { "SC6076", ["verify", "registry.test/team/app:1.0", "--certificate-identity-regexp", "([unclosed", "--certificate-oidc-issuer", "https://accounts.google.com", "--trusted-root", "{root}"] },
        { "SC6078", ["verify", "registry.test/team/app:1.0", "--certificate-identity", "dev@example.com", "--certificate-oidc-issuer", "https://accounts.google.com", "--trusted-root", "{root}"] },
    };

    [Theory]
    [MemberData(nameof(FailurePaths))]
    public async Task FailuresGiveCommandLineAdviceNotMsBuildProperties(string code, string[] args)
    {
        using Fixture f = new();
        string[] resolved = f.Resolve(args);

        CliResult text = await f.Cli.RunAsync(resolved);

        Assert.StartsWith($"error {code}: ", text.Error);
        Assert.NotEqual(ExitCode.Success, text.ExitCode);
        AssertNoMsBuildAdvice(text.Error);
        if (resolved[0] is "verify" or "attach" or "sign" or "attest" or "scan" or "diff")
        {
            CliResult json = await f.Cli.RunAsync([.. resolved, "--output", "json"]);
            using JsonDocument doc = JsonDocument.Parse(json.StandardOutput);
            if (doc.RootElement.TryGetProperty("verified", out JsonElement verified))
            {
                // verify's own report (docs/cli.md): a verification that ran and said no, not an error before it.
                Assert.False(verified.GetBoolean());
                Assert.Equal(code, doc.RootElement.GetProperty("failureCode").GetString());
            }
            else
            {
                AssertErrorDocument(doc.RootElement, resolved[0], json.ExitCode, code);
            }

            AssertNoMsBuildAdvice(doc.RootElement.GetProperty("diagnostics")[0].GetProperty("message").GetString()!);
        }
    }

    /// <summary>What check finds in a pushed image: every code it prints gives advice for an image already built, never MSBuild's.</summary>
    public static TheoryData<string, string, string[]> CheckFindings => new()
    {
        { "SC2001", "root", [] },
        { "SC2001", "nouser", [] },
        { "SC2004", "named", [] },
        { "SC7106", "token", [] },
        { "SC7120", "password", [] },
        { "SC4110", "shell", [] },
        { "SC4110", "shell", ["--profile", "Restricted"] },
        { "SC5011", "baddeps", [] },
        { "SC7001", "vulnerable", [] },
        { "SC7001", "vulnerable", ["--profile", "Restricted"] },
        { "SC7004", "clean", ["--nuget-source", "https://down.test/v3/index.json"] },
        { "SC7005", "clean", ["--nuget-source", "https://api.nuget.org/novuln/index.json"] },
        { "SC7008", "clean", ["--no-advisories"] },
        { "SC4101", "clean", ["--base", "registry.test/base/runtime:10.0"] },
        { "SC1108", "clean", ["--nuget-source", "http://feed.example/v3/index.json"] },
    };

    [Theory]
    [MemberData(nameof(CheckFindings))]
    public async Task CheckFindingsGiveAdviceForAnImageAlreadyBuilt(string code, string image, string[] options)
    {
        CliHarness cli = new();
        try
        {
            CheckImages.Push(cli, image);
            CliResult text = await cli.RunAsync(["check", $"{CliHarness.Host}/{Repo}:1.0", .. options]);

            Assert.Contains($" {code}: ", text.Error);

            // The tool's wording: a rebuild, or one of its own options.
            string finding = text.Error.Split('\n').First(l => l.Contains($" {code}: ", StringComparison.Ordinal));
            Assert.True(finding.Contains("rebuild", StringComparison.Ordinal) || finding.Contains(" --", StringComparison.Ordinal), finding);
            foreach (string line in text.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                AssertNoMsBuildAdvice(line);
                Assert.DoesNotContain("(from ContainerUser)", line);
            }

            CliResult json = await cli.RunAsync(["check", $"{CliHarness.Host}/{Repo}:1.0", .. options, "--output", "json"]);
            using JsonDocument doc = JsonDocument.Parse(json.StandardOutput);
            JsonElement[] diagnostics = doc.RootElement.GetProperty("diagnostics").EnumerateArray().ToArray();
            Assert.Contains(diagnostics, d => d.GetProperty("code").GetString() == code);
            Assert.All(diagnostics, d => AssertNoMsBuildAdvice(d.GetProperty("message").GetString()!));
        }
        finally
        {
            if (Directory.Exists(cli.LayerCacheDirectory))
            {
                Directory.Delete(cli.LayerCacheDirectory, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("SC6020", false)]
    [InlineData("SC6023", true)]
    public async Task VerifyFailuresPointAtTheToolsOwnVerbs(string code, bool signed)
    {
        using Fixture f = new();
        if (signed)
        {
            Assert.Equal(ExitCode.Success, (await f.Cli.RunAsync(f.Resolve(["sign", "registry.test/team/app:1.0", "--key", "{key}"]))).ExitCode);
        }

        CliResult result = await f.Cli.RunAsync(f.Resolve(["verify", "registry.test/team/app:1.0", "--key", "{pub}", "--require-sbom"]));

        Assert.Contains($"error {code}: ", result.Error);
        Assert.Contains("securecontainers ", result.Error);
        AssertNoMsBuildAdvice(result.Error);
    }

    private static void AssertErrorDocument(JsonElement root, string verb, ExitCode exitCode, string code)
    {
        Assert.Equal(verb, root.GetProperty("command").GetString());
        Assert.False(root.GetProperty("succeeded").GetBoolean());
        Assert.Equal((int)exitCode, root.GetProperty("exitCode").GetInt32());
        JsonElement first = root.GetProperty("diagnostics")[0];
        Assert.Equal(code, first.GetProperty("code").GetString());
        Assert.Equal("error", first.GetProperty("severity").GetString());
        Assert.False(string.IsNullOrWhiteSpace(first.GetProperty("message").GetString()));
    }

    private static void AssertNoMsBuildAdvice(string text)
    {
        Assert.DoesNotContain("<SecureContainer", text);
        Assert.DoesNotContain("<Container", text);
        Assert.DoesNotContain("-p:", text);
        Assert.DoesNotMatch(MsBuildPropertyName(), text);
    }

    // The properties users set in a project file; a CLI user has no project file to set them in.
    [GeneratedRegex(@"\b(SecureContainer[A-Z]\w*|Container(BaseImage|Registry|RuntimeIdentifier|Family|ImageTags?|User)|RuntimeIdentifier)\b")]
    private static partial Regex MsBuildPropertyName();

    /// <summary>A registry with a tagged image and an index, keys, an SBOM file and a closed port, for any failure path.</summary>
    private sealed class Fixture : IDisposable
    {
        private readonly TestKeys _keys = new();
        private readonly TestKeys _encrypted = new("pw");
        private readonly TempFile _sbom;
        private readonly string _dir = Directory.CreateTempSubdirectory("sc-contract-").FullName;

        public Fixture()
        {
            // No retry back-off, so the closed port fails fast.
            Cli.RegistryOptions = () =>
            {
                RegistryClientOptions options = Cli.Registry.Options();
                options.Delay = (_, _) => Task.CompletedTask;
                return options;
            };
            FakeRegistry.FakeImage image = Cli.Registry.AddImage(Repo, "1.0", Amd64, layers: [[1]]);
            FakeRegistry.FakeImage arm = Cli.Registry.AddImage(Repo, null, new Platform("linux", "arm64"), layers: [[2]]);
            Cli.Registry.AddIndex(Repo, "multi", MediaTypes.OciIndexV1, image, arm);
            _sbom = new TempFile(CliHarness.Sbom(Repo, image.Digest));
        }

        public CliHarness Cli { get; } = new();

        public string[] Args(string verb, string image) => verb switch
        {
            "verify" => ["verify", image, "--key", _keys.PublicKey],
            "attach" => ["attach", image, "--sbom", _sbom.Path],
            "sign" => ["sign", image, "--key", _keys.PrivateKey],
            "attest" => ["attest", image, "--key", _keys.PrivateKey, "--provenance"],
            "check" => ["check", image],
            "scan" => ["scan", image, "--db", _dir],
            "diff" => ["diff", _sbom.Path, image],
            _ => throw new ArgumentOutOfRangeException(nameof(verb)),
        };

        public string[] Resolve(string[] args) => args.Select(a => a
            .Replace("{key}", _keys.PrivateKey, StringComparison.Ordinal)
            .Replace("{pub}", _keys.PublicKey, StringComparison.Ordinal)
            .Replace("{encrypted}", _encrypted.PrivateKey, StringComparison.Ordinal)
            .Replace("{sbom}", _sbom.Path, StringComparison.Ordinal)
            .Replace("{dir}", _dir, StringComparison.Ordinal)
            .Replace("{root}", RepositoryRoot.Combine("tests", "SecureContainers.Core.Tests", "Signing", "Bundles", "TestData", "public-good-trusted_root.json"), StringComparison.Ordinal)
            .Replace("{closed}", ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToArray();

        public void Dispose()
        {
            _keys.Dispose();
            _encrypted.Dispose();
            _sbom.Dispose();
            Directory.Delete(_dir, recursive: true);
        }

        private static int ClosedPort()
        {
            using TcpListener listener = new(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}

/// <summary>Images with one finding each, built from real tar layers, for <see cref="CliContractTests.CheckFindingsGiveAdviceForAnImageAlreadyBuilt"/>.</summary>
internal static class CheckImages
{
    private static readonly byte[] DepsJson = File.ReadAllBytes(
        RepositoryRoot.Combine("tests", "SecureContainers.Core.Tests", "Sbom", "TestData", "app3.publish.deps.json"));

    private static readonly Platform Amd64 = new("linux", "amd64");

    public static void Push(CliHarness cli, string kind)
    {
        const string passwd = "root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1654:1654::/home/app:/usr/sbin/nologin\n";
        string deps = System.Text.Encoding.UTF8.GetString(DepsJson);
        List<(string, string?)> baseFiles = [("etc", null), ("etc/passwd", passwd)];
        List<(string, string?)> app = [("app", null), ("app/app.deps.json", deps), ("app/appsettings.json", "{}\n")];
        string? user = "1654";
        switch (kind)
        {
            case "root": user = "root"; break;
            case "nouser": user = null; break;
            case "named": user = "app"; break;
            case "token": app[2] = ("app/appsettings.json", "{ \"GitHub\": { \"Token\": \"ghp_0123456789abcdefghijklmnopqrstuvwxyz\" } }\n"); break;
            case "password": app[2] = ("app/appsettings.json", "{ \"Db\": { \"Password\": \"correct-horse-battery\" } }\n"); break;
            case "shell": baseFiles.AddRange([("bin", null), ("bin/sh", "#!shell")]); break;
            case "baddeps": app[1] = ("app/app.deps.json", "{ not json"); break;
            case "vulnerable": app[1] = ("app/app.deps.json", deps.Replace("Newtonsoft.Json/13.0.3", "Newtonsoft.Json/12.0.3", StringComparison.Ordinal).Replace("\"Newtonsoft.Json\": \"13.0.3\"", "\"Newtonsoft.Json\": \"12.0.3\"", StringComparison.Ordinal)); break;
        }

        cli.Registry.AddImage("base/runtime", "10.0", Amd64, "1654", layers: [Layer(baseFiles)]);
        cli.Registry.AddImage("team/app", "1.0", Amd64, user, layers: [Layer(baseFiles), Layer(app)]);
    }

    private static byte[] Layer(IEnumerable<(string Path, string? Content)> entries)
    {
        MemoryStream tar = new();
        using (System.Formats.Tar.TarWriter writer = new(tar, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach ((string path, string? content) in entries)
            {
                System.Formats.Tar.PaxTarEntry entry = new(content is null ? System.Formats.Tar.TarEntryType.Directory : System.Formats.Tar.TarEntryType.RegularFile, path)
                {
                    Mode = content is null || path.StartsWith("bin/", StringComparison.Ordinal) ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
                };
                if (content is not null)
                {
                    entry.DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
                }

                writer.WriteEntry(entry);
            }
        }

        MemoryStream gz = new();
        using (System.IO.Compression.GZipStream zip = new(gz, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(tar.ToArray());
        }

        return gz.ToArray();
    }
}
