using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.NuGet;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers sbom generate &lt;image&gt; [--platform] [-o file] [--spec-version]</c>: a CycloneDX SBOM of any .NET
/// image, from what its layers hold: the apps' <c>*.deps.json</c> (NuGet packages and projects with hashes and graph),
/// the .NET shared frameworks, the OS and its dpkg/apk packages. The image is read once, streamed, as <c>check</c> reads it.
/// </summary>
internal static partial class SbomGenerateCommand
{
    private static readonly string ToolVersion =
        typeof(SbomGenerateCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static Command Create(CliContext context)
    {
        Argument<string> image = new("image")
        {
            Description = "The image: registry/repository:tag or registry/repository@sha256:<digest>. A tag is resolved once; the SBOM names the digest.",
        };
        Option<string?> platform = new("--platform")
        {
            HelpName = "os/arch[/variant]",
            Description = "For a multi-platform image, the platform to describe. Default: the only platform, else linux/amd64.",
        };
        Option<string?> output = new("--output", "-o")
        {
            HelpName = "file",
            Description = "Write the SBOM to this file (replaced atomically) instead of standard output.",
        };
        Option<string> specVersion = new("--spec-version")
        {
            HelpName = "1.5|1.6|1.7",
            Description = "The CycloneDX specification version to write. Default: 1.6.",
            DefaultValueFactory = _ => "1.6",
        };
        specVersion.AcceptOnlyFromAmong("1.5", "1.6", "1.7");

        Command command = new("generate", "Generate a CycloneDX SBOM of any .NET image from its layers: NuGet packages from *.deps.json, the .NET runtime, OS packages.");
        command.Arguments.Add(image);
        command.Options.Add(platform);
        command.Options.Add(output);
        command.Options.Add(specVersion);
        command.SetAction((parse, ct) => CommandAction.RunAsync(context, () => RunAsync(
            context, ImageTarget.Parse(parse.GetRequiredValue(image), parse.GetValue(platform)), parse.GetValue(output),
            CycloneDxSpecVersions.Parse(parse.GetValue(specVersion)), ct)));
        return command;
    }

    private static async Task<ExitCode> RunAsync(CliContext context, ImageTarget target, string? output, CycloneDxSpecVersion specVersion, CancellationToken ct)
    {
        using RegistryClient client = context.CreateRegistryClient();
        BuiltImage built = await BuiltImage.ResolveAsync(client, target.Image, target.Platform, baseOption: null, ct).ConfigureAwait(false);
        ResolvedImage image = built.Image;
        ImageApplicationContents contents = await ImageApplicationInspector.InspectAsync(client, built.CreateScanner(context), image,
            new ImageApplicationScanOptions { ScanSecrets = false }, ct).ConfigureAwait(false);

        // One app is the image's subject; when several ship, the one the entrypoint names (else the first by path).
        DepsJsonFile? app = MainApplication(contents, image.Configuration);
        (string targetFramework, string? rid) = ParseRuntimeTarget(app?.RuntimeTarget);
        DiagnosticBag diagnostics = new();

        // Why the package list may be short (an rpm database or a chisel manifest not read): said, not silently dropped.
        ImageContentsReport imageContents = ImageContentsAnalyzer.Analyze(contents.FileSystem);
        foreach (Diagnostic warning in imageContents.PackageDatabaseWarnings)
        {
            context.Report(warning);
        }

        SbomDocument sbom = SbomBuilder.Build(new SbomInputs
        {
            ImageName = $"{image.Reference.Registry}/{image.Reference.Repository}",
            Tags = target.Image.Tag is { } tag ? [tag] : [],
            ManifestDigest = image.ManifestDigest,
            AppName = app?.Application!.Id ?? image.Reference.Repository[(image.Reference.Repository.LastIndexOf('/') + 1)..],
            AppVersion = app?.Application!.Version ?? "0.0.0",
            TargetFramework = targetFramework,
            RuntimeIdentifier = rid,
            NuGetLibraries = contents.Libraries,
            Timestamp = SbomTimestamp.Resolve(context.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), context.Now()),
            ToolName = "securecontainers",
            ToolVersion = ToolVersion,
            BaseImageName = built.Base is { } b ? $"{b.Registry}/{b.Repository}" : null,
            BaseImageDigest = built.Base?.Digest,
            SpecVersion = specVersion,

            // The whole image: its OS, packages and shared frameworks, wherever a layer put them.
            BaseImageContents = imageContents,
            AppLayerDigest = app is not null && contents.FileSystem.TryGetEntry(app.Path, out ImageEntry? entry) ? entry.LayerDigest : null,
            SelfContained = app is { RuntimePacks.Count: > 0 },
            RuntimePacks = app?.RuntimePacks.Select(RuntimePack).ToArray() ?? [],
        }, diagnostics);
        byte[] content = SbomWriter.Write(sbom);
        foreach (Diagnostic d in diagnostics.Items.Where(d => d.Severity != DiagnosticSeverity.Message))
        {
            context.Report(d);
        }

        if (output is null)
        {
            await context.StandardOutput.WriteAsync(content, ct).ConfigureAwait(false);
            await context.StandardOutput.FlushAsync(ct).ConfigureAwait(false);
        }
        else
        {
            SbomFetcher.WriteFile(content, output);
            context.Output.WriteLine($"SBOM of {built.Pinned} ({image.Platform}): {contents.Libraries.Count(l => l.Kind == NuGetLibraryKind.Package)} NuGet packages from {contents.Applications.Count()} app(s), written to {output}");
        }

        return ExitCode.Success;
    }

    private static DepsJsonFile? MainApplication(ImageApplicationContents contents, ImageConfig config)
    {
        DepsJsonFile[] apps = contents.Applications.ToArray();
        string[] command = [.. config.Entrypoint ?? [], .. config.Cmd ?? []];
        return apps.FirstOrDefault(a => command.Any(arg =>
                   arg.EndsWith("/" + a.Application!.Id, StringComparison.Ordinal) || arg == a.Application!.Id ||
                   arg.EndsWith("/" + a.Application!.Id + ".dll", StringComparison.Ordinal) || arg == a.Application!.Id + ".dll"))
            ?? apps.FirstOrDefault();
    }

    /// <summary><c>.NETCoreApp,Version=v10.0/linux-x64</c> → (<c>net10.0</c>, <c>linux-x64</c>).</summary>
    private static (string TargetFramework, string? RuntimeIdentifier) ParseRuntimeTarget(string? runtimeTarget)
    {
        if (runtimeTarget is null)
        {
            return ("unknown", null);
        }

        int slash = runtimeTarget.IndexOf('/');
        string framework = slash < 0 ? runtimeTarget : runtimeTarget[..slash];
        string? rid = slash < 0 ? null : runtimeTarget[(slash + 1)..];
        Match m = NetCoreApp().Match(framework);
        string tfm = m.Success
            ? (int.Parse(m.Groups["major"].Value, CultureInfo.InvariantCulture) >= 5 ? "net" : "netcoreapp") + m.Groups["major"].Value + "." + m.Groups["minor"].Value
            : framework;
        return (tfm, rid);
    }

    /// <summary><c>runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/10.0.12</c> → the pack and its framework.</summary>
    private static SbomRuntimePack RuntimePack(string key)
    {
        string idPart = key[..key.IndexOf('/')];
        string id = idPart.StartsWith("runtimepack.", StringComparison.Ordinal) ? idPart["runtimepack.".Length..] : idPart;
        int runtime = id.IndexOf(".Runtime.", StringComparison.Ordinal);
        return new SbomRuntimePack(id, key[(key.IndexOf('/') + 1)..], runtime < 0 ? id : id[..runtime]);
    }

    [GeneratedRegex(@"^\.NETCoreApp,Version=v(?<major>\d+)\.(?<minor>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex NetCoreApp();
}
