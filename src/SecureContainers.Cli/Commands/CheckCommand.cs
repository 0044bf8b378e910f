using System.CommandLine;
using System.Text.Json;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.NuGet;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Operations;
using SecureContainers.Core.Policy;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Secrets;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers check &lt;image&gt; [--profile] [--base REF] [--platform] [--output json]</c>: the build's pre-push
/// rules for an image any tool built and pushed. It reads the image once (config, layers streamed, app layers'
/// <c>*.deps.json</c> and files) and maps what it found into the same <see cref="PrePushCheck"/> the build runs, so
/// the codes are the build's.
/// </summary>
internal sealed class CheckCommand : ICliCommand
{
    public Command Create(CliContext context)
    {
        Argument<string> image = new("image")
        {
            Description = "The image: registry/repository:tag or registry/repository@sha256:<digest>. A tag is resolved once.",
        };
        Option<string> profile = new("--profile")
        {
            HelpName = "Baseline|Restricted",
            Description = "The rule set, as SecureContainerProfile: Restricted makes a minimal base and a digest-pinned base errors. Default: Baseline.",
            DefaultValueFactory = _ => "Baseline",
        };
        profile.AcceptOnlyFromAmong("Baseline", "Restricted");
        Option<string?> baseImage = new("--base")
        {
            HelpName = "image",
            Description = "The base image, when the image does not name it (org.opencontainers.image.base.name). Without either, the whole image is its own base.",
        };
        Option<string?> platform = new("--platform")
        {
            HelpName = "os/arch[/variant]",
            Description = "For a multi-platform image, the platform to check. Default: the only platform, else linux/amd64.",
        };
        Option<string[]> nugetSources = new("--nuget-source")
        {
            HelpName = "url",
            Description = $"A NuGet v3 service index whose vulnerability data the packages are checked against; repeat it for several (merged). Default: {NuGetFeedOptions.NuGetOrg}.",
        };
        Option<bool> noAdvisories = new("--no-advisories")
        {
            Description = "Skip the NuGet advisory check (said in a warning, SC7008). For machines that cannot reach any feed.",
        };
        Option<string?> database = new("--db")
        {
            HelpName = "path",
            Description = "An offline OSV database (a folder of OSV records or osv-scanner's <folder>/<Ecosystem>/all.zip layout): the base's OS packages and the NuGet packages are matched against it too, as SecureContainerVulnerabilityDatabase does in the build.",
        };
        Option<string?> notaryPolicy = NotaryOptions.Policy();
        Option<string?> notaryStore = NotaryOptions.Store();
        Option<string> output = OutputFormatOption.Create();

        Command command = new("check", "Check a pushed image against the build's rules: non-root user, minimal base, ports, secrets, NuGet advisories.");
        command.Arguments.Add(image);
        command.Options.Add(profile);
        command.Options.Add(baseImage);
        command.Options.Add(platform);
        command.Options.Add(nugetSources);
        command.Options.Add(noAdvisories);
        command.Options.Add(database);
        command.Options.Add(notaryPolicy);
        command.Options.Add(notaryStore);
        command.Options.Add(output);
        command.SetAction((parse, ct) => CommandAction.RunAsync(context, new CommandRun("check", parse.GetValue(output) == "json"), () => RunAsync(
            context,
            ImageTarget.Parse(parse.GetRequiredValue(image), parse.GetValue(platform)),
            parse.GetValue(baseImage) is { } b ? ImageReference.Parse(b) : null,
            parse.GetValue(profile)!,
            AdvisorySources(parse.GetValue(nugetSources), parse.GetValue(noAdvisories)),
            parse.GetValue(database),
            (parse.GetValue(notaryPolicy), parse.GetValue(notaryStore)),
            parse.GetValue(output) == "json",
            ct)));
        return command;
    }

    /// <summary>
    /// The feeds to ask, checked before any network access (SC1108); null when <c>--no-advisories</c> skips the check.
    /// </summary>
    private static IReadOnlyList<string>? AdvisorySources(string[]? sources, bool skip)
    {
        sources ??= [];
        if (skip)
        {
            return sources.Length == 0
                ? null
                : throw new SecureContainerException(CommandLineDiagnostics.InvalidNuGetSource.Create(sources[0], "--no-advisories skips the advisory check, so no source would be asked"));
        }

        foreach (string source in sources)
        {
            if (!NuGetFeedVulnerabilitySource.TryValidateSource(source, out _, out string reason))
            {
                throw new SecureContainerException(CommandLineDiagnostics.InvalidNuGetSource.Create(source, reason));
            }
        }

        return sources.Length == 0 ? [NuGetFeedOptions.NuGetOrg] : sources.Select(s => s.Trim()).Distinct(StringComparer.Ordinal).ToArray();
    }

    private static async Task<ExitCode> RunAsync(
        CliContext context, ImageTarget target, ImageReference? baseOption, string profile, IReadOnlyList<string>? advisorySources, string? database,
        (string? Policy, string? Store) notary, bool json, CancellationToken ct)
    {
        // A broken trust policy is reported in the CLI's words before any network access; the check reads it again.
        NotaryOptions.Load(notary.Policy, notary.Store);
        using RegistryClient client = context.CreateRegistryClient();
        BuiltImage built = await BuiltImage.ResolveAsync(client, target.Image, target.Platform, baseOption, ct).ConfigureAwait(false);
        ResolvedImage image = built.Image;
        ImageApplicationContents contents = await ImageApplicationInspector.InspectAsync(client, built.CreateScanner(context), image,
            new ImageApplicationScanOptions { FirstApplicationLayer = await built.FirstApplicationLayerAsync(client, ct).ConfigureAwait(false) }, ct).ConfigureAwait(false);

        DiagnosticBag diagnostics = new();
        PrePushResult result = await new PrePushCheck(client, diagnostics).RunAsync(Request(context, built, contents, profile, advisorySources, database, notary), ct).ConfigureAwait(false);
        if (advisorySources is null && database is null)
        {
            int packages = contents.Libraries.Count(l => l.Kind == NuGetLibraryKind.Package);
            diagnostics.Report(VulnerabilityDiagnostics.VulnerabilityCheckSkipped.Create(packages, built.Pinned));
        }

        Diagnostic[] reported = diagnostics.Items.Where(d => d.Severity != DiagnosticSeverity.Message).ToArray();
        foreach (Diagnostic d in reported)
        {
            context.Report(d);
        }

        ExitCode exitCode = result.Passed ? ExitCode.Success : reported.Where(d => d.Severity == DiagnosticSeverity.Error).Select(ExitCodes.For).DefaultIfEmpty(ExitCode.Failure).First();
        if (json)
        {
            ResultDocument.Write(context, "check", exitCode, reported, w => WriteFields(w, built, contents, result));
        }
        else
        {
            string verdict = result.Passed ? "Passed" : "NOT passed";
            context.Output.WriteLine($"{verdict}: {built.Pinned} ({image.Platform}), base {DescribeBase(built)}; {contents.Libraries.Count} NuGet libraries in {contents.Applications.Count()} app(s)");
            if (result.Platforms.FirstOrDefault()?.NotarySignature is { } signature)
            {
                context.Output.WriteLine($"  base Notary signature: {signature.Manifest.Signature} by {signature.Manifest.Signer} (trust policy '{signature.Policy}'"
                    + (signature.Index is { } index ? $"; index signature {index.Signature})" : ")"));
            }
        }

        return exitCode;
    }

    /// <summary>Maps the image as built into the request the build fills from the project before it pushes.</summary>
    private static PrePushRequest Request(CliContext context, BuiltImage built, ImageApplicationContents contents, string profile, IReadOnlyList<string>? advisorySources, string? database,
        (string? Policy, string? Store) notary)
    {
        ResolvedImage image = built.Image;
        ImageConfig config = image.Configuration;
        bool ownBase = built.Base is null;

        // An image that names no base is its own base: trusting it, or pinning it, would check the image against itself.
        PolicyOptions policy = PolicyOptions.Resolve(profile, null, ownBase ? "false" : null, null, ownBase ? "false" : null, null, [], new DiagnosticBag());

        // The image's User is final: the SDK's ContainerUser/APP_UID fallbacks happened when it was built, and a runtime
        // does not read APP_UID. UserIsFinal keeps the gate from falling back to the APP_UID variable most .NET bases set
        // (which would pass an image that runs as root) and makes an empty User root.

        return new PrePushRequest
        {
            Settings = new SecureContainerSettings
            {
                Policy = policy,
                CacheDirectory = context.LayerCacheDirectory,
                Sbom = new SbomSettings { Enabled = false },
                Signing = new SigningSettings { NotaryTrustPolicyPath = notary.Policy, NotaryTrustStorePath = notary.Store },

                // --profile decides whether a known vulnerability is an error, as SecureContainerProfile does in the build.
                Content = new ContentSettings
                {
                    // --db alone still checks: the database covers the OS packages and the NuGet ones (its NuGet records).
                    VulnerabilityCheck = advisorySources is not null || database is not null,
                    Vulnerabilities = new VulnerabilityPolicyOptions { Profile = policy.Profile },
                    VulnerabilityDatabase = database,
                },
            },
            Scope = CheckScope.Image,

            // Nothing will be pushed or signed by this run: signing readiness is not the question (no SC6xxx "unsigned").
            Destination = ImageDestination.Archive,
            // Its own base, through the index it was pulled from when there is one: the index's Notary signature is checked too.
            BaseImage = built.Base ?? (image.IndexDigest is { } index ? image.Reference with { Tag = null, Digest = index } : image.PinnedReference),
            RuntimeIdentifiers = [RuntimeIdentifierFor(image.Platform)],
            TargetImage = $"{image.Reference.Registry}/{image.Reference.Repository}",
            ContainerUser = config.User,
            UserIsFinal = true,
            Content = new SecretScanInput
            {
                EnvironmentVariables = config.Environment,
                Labels = config.Labels,
                Entrypoint = config.Entrypoint ?? [],
                Cmd = config.Cmd ?? [],
                ImageFiles = contents.Secrets,
            },
            Ports = config.ExposedPorts,
            Libraries = contents.Libraries,
            VulnerabilitySource = advisorySources is null ? null : context.VulnerabilitySource(advisorySources),
            GetEnvironmentVariable = context.GetEnvironmentVariable,
        };
    }

    /// <summary>Any RID of the platform: the gate only maps it back to the platform to resolve the base.</summary>
    private static string RuntimeIdentifierFor(Platform platform) =>
        Platform.KnownRuntimeIdentifiers.FirstOrDefault(rid => Platform.FromRuntimeIdentifier(rid).Matches(platform))
            ?? Platform.KnownRuntimeIdentifiers.First(rid => Platform.FromRuntimeIdentifier(rid).Matches(platform with { Variant = null }));

    private static string DescribeBase(BuiltImage built) => built.BaseSource switch
    {
        BaseSource.Option => $"{built.Base} (--base)",
        BaseSource.Image => $"{built.Base} (named by the image)",
        _ => "none named (the whole image is checked as its base)",
    };

    private static void WriteFields(Utf8JsonWriter w, BuiltImage built, ImageApplicationContents contents, PrePushResult result)
    {
        w.WriteString("image", built.Pinned);
        w.WriteString("digest", built.Image.ManifestDigest.ToString());
        w.WriteString("platform", built.Image.Platform.ToString());
        w.WriteBoolean("passed", result.Passed);
        w.WriteStartObject("base");
        w.WriteString("reference", built.Base?.ToString());
        w.WriteString("source", built.BaseSource switch { BaseSource.Option => "option", BaseSource.Image => "image", _ => "none" });
        if (result.Platforms.FirstOrDefault()?.NotarySignature is { } signature)
        {
            w.WriteStartObject("notary");
            w.WriteString("policy", signature.Policy);
            w.WriteString("signer", signature.Manifest.Signer);
            w.WriteString("manifest", signature.Manifest.Manifest.ToString());
            w.WriteString("signature", signature.Manifest.Signature.ToString());
            w.WriteString("timestamp", signature.Manifest.TimestampTime?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("index", signature.Index?.Manifest.ToString());
            w.WriteString("indexSignature", signature.Index?.Signature.ToString());
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("notary");
        }

        w.WriteEndObject();
        w.WriteStartArray("applications");
        foreach (DepsJsonFile app in contents.Applications)
        {
            w.WriteStartObject();
            w.WriteString("path", app.Path);
            w.WriteString("name", app.Application!.Id);
            w.WriteString("version", app.Application.Version);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("packages");
        foreach (NuGetLibrary library in contents.Libraries.Where(l => l.Kind == NuGetLibraryKind.Package))
        {
            w.WriteStartObject();
            w.WriteString("id", library.Id);
            w.WriteString("version", library.Version);
            w.WriteBoolean("direct", library.IsDirect);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("advisories");
        foreach (Core.Vulnerabilities.VulnerabilityFinding finding in result.Advisories?.Findings ?? [])
        {
            w.WriteStartObject();
            w.WriteString("id", finding.Advisory.Id);
            w.WriteString("url", finding.Advisory.Url);
            w.WriteString("severity", finding.Advisory.Severity.ToString().ToLowerInvariant());
            w.WriteString("package", finding.PackageId);
            w.WriteString("version", finding.PackageVersion);
            w.WriteString("bomRef", finding.BomRef);
            w.WriteString("fixedVersion", finding.FixedVersion);
            w.WriteBoolean("suppressed", finding.Suppressed);
            w.WriteString("code", finding.Code);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
