using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Signing.Keyless;
using static SecureContainers.Core.Configuration.SettingNames;
using Format = SecureContainers.Core.Signing.SignatureFormat;

namespace SecureContainers.Core.Tests.Configuration;

/// <summary>
/// The one settings parser: every property's malformed value is its coded error naming the property and the value, a
/// malformed rule switch never reads as "off", valid values parse in any case, empty is the documented default, and the
/// targets and docs carry exactly the properties the parser reads.
/// </summary>
public sealed class SettingsReaderTests
{
    /// <summary>Every property, with malformed values and the code each must raise. A new property fails the coverage test until it is here.</summary>
    private static readonly Dictionary<string, (string Code, string[] Values)> Malformed = new(StringComparer.Ordinal)
    {
        [Enabled] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [Profile] = ("SC1002", ["Strict", "1", "Baseline,Restricted"]),
        [AllowRoot] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [RequireBaseImageDigest] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [RequireMinimalBaseImage] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [RequireTrustedBaseImage] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [TrustMicrosoftBaseImages] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [MaxLayerBytes] = ("SC1004", ["0", "x", "-1", "1.5", "1e9"]),
        [MaxLayerEntries] = ("SC1004", ["0", "x", "-1", "1.5"]),
        [CacheDirectory] = ("SC1005", ["cache\0dir"]),
        [SigningKey] = ("SC1005", ["keys/\0signing.pem"]),
        [SigningKeyPasswordVariable] = ("SC6010", ["bad-name!", "1ABC", "HAS SPACE"]),
        [RequireSigning] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [ForbidLatestTag] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [VerifyBaseImageKey] = ("SC1005", ["base\0.pub"]),
        [VerifyBaseImageIdentity] = ("SC6077", ["dev @example.com", "https://github.com/org/repo\tx"]),
        [VerifyBaseImageIdentityRegexp] = ("SC6076", ["([unclosed", "a{2,1}"]),
        [VerifyBaseImageOidcIssuer] = ("SC6077", ["token.actions.githubusercontent.com", "ftp://issuer.example"]),
        [VerifyBaseImageTrustedRoot] = ("SC1005", ["trusted\0root.json"]),
        [NotaryTrustPolicy] = ("SC1005", ["trust\0policy.json"]),
        [NotaryTrustStore] = ("SC1005", ["trust\0store"]),
        [AttestSbom] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [AttestProvenance] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [SignatureFormat] = ("SC1006", ["Both", "BUNDLE", "bundles", "cosign", "both,legacy", "0"]),
        [SbomEnabled] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [SbomAttach] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [SbomSpecVersion] = ("SC5010", ["1.4", "9.9", "v1.6", "1.6.0"]),
        [SbomIncludeBuildDependencies] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [SbomDirectory] = ("SC1005", ["out\0sbom"]),
        [GenerateSourceLabels] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [SecretScan] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [VulnerabilityCheck] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [VulnerabilitySeverity] = ("SC7010", ["severe", "9", "high!"]),
        [RequireVulnerabilityData] = ("SC1001", ["ture", "yes", "1", "maybe"]),
        [VulnerabilityDatabase] = ("SC1005", ["osv\0db"]),
        [VulnerabilityDatabaseMaxAge] = ("SC7215", ["0", "-1d", "7 days", "1.5d", "7w", "d"]),
        [SourceDateEpoch] = ("SC5006", ["abc", "-1", "1.5", "253402300800"]),
        [SigningMode] = ("SC6058", ["Keyless", "KEY", "oidc", "key less"]),
        [FulcioUrl] = ("SC6059", ["http://fulcio.example.com", "fulcio.sigstore.dev", "ftp://fulcio.example.com", "https://fulcio.example.com/?token=x"]),
        [RekorUrl] = ("SC6059", ["http://rekor.example.com", "rekor.sigstore.dev", "/api/v1", "https://rekor.example.com/#log"]),
        [TransparencyLog] = ("SC1001", ["ture", "yes", "1", "maybe"]),
    };

    /// <summary>
    /// What each boolean reads as when its value is malformed: the side that checks more (or, for the one switch that
    /// loosens a rule when on, the side that trusts less), so the run that reports the typo also reports what the rule finds.
    /// </summary>
    private static readonly Dictionary<string, (Func<SecureContainerSettings, bool> Read, bool FailClosed)> Booleans = new(StringComparer.Ordinal)
    {
        [Enabled] = (s => s.Enabled, true),
        [AllowRoot] = (s => s.Policy.AllowRoot, false),
        [RequireBaseImageDigest] = (s => s.Policy.RequireBaseImageDigest, true),
        [RequireMinimalBaseImage] = (s => s.Policy.RequireMinimalBaseImage, true),
        [RequireTrustedBaseImage] = (s => s.Policy.RequireTrustedBaseImage, true),
        // Trusting Microsoft's repositories widens the allowlist: a typo must not trust more than "false" would.
        [TrustMicrosoftBaseImages] = (s => s.Policy.TrustedBaseImages.Count > 0, false),
        [RequireSigning] = (s => s.Signing.Required, true),
        [ForbidLatestTag] = (s => s.Signing.ForbidLatestOnly, true),
        [AttestSbom] = (s => s.Signing.AttestSbom, true),
        [AttestProvenance] = (s => s.Signing.AttestProvenance, true),
        [SbomEnabled] = (s => s.Sbom.Enabled, true),
        [SbomAttach] = (s => s.Sbom.Attach, true),
        // Not a rule: which packages the SBOM lists. The default stands.
        [SbomIncludeBuildDependencies] = (s => s.Sbom.IncludeBuildDependencies, false),
        [GenerateSourceLabels] = (s => s.GenerateSourceLabels, true),
        [SecretScan] = (s => s.Content.SecretScan, true),
        [VulnerabilityCheck] = (s => s.Content.VulnerabilityCheck, true),
        [RequireVulnerabilityData] = (s => s.Content.Vulnerabilities.RequireVulnerabilityData, true),
        // A typo logs the signature: the side that makes a stolen key's use visible.
        [TransparencyLog] = (s => s.Signing.TransparencyLog, true),
    };

    /// <summary>Each non-path setting as text, to compare with the default column of docs/configuration.md.</summary>
    private static readonly Dictionary<string, Func<SecureContainerSettings, string?>> AsText = new(StringComparer.Ordinal)
    {
        [Profile] = s => s.Policy.Profile.ToString(),
        [MaxLayerBytes] = s => s.LayerLimits.MaxUncompressedBytesPerLayer.ToString(CultureInfo.InvariantCulture),
        [MaxLayerEntries] = s => s.LayerLimits.MaxEntriesPerLayer.ToString(CultureInfo.InvariantCulture),
        [SigningKey] = s => s.Signing.KeyPath,
        [SigningKeyPasswordVariable] = s => s.Signing.PasswordVariable,
        [VerifyBaseImageKey] = s => s.Signing.VerifyBaseImageKeyPath,
        [VerifyBaseImageTrustedRoot] = s => s.Signing.VerifyBaseImageTrustedRootPath,
        [NotaryTrustPolicy] = s => s.Signing.NotaryTrustPolicyPath,
        [NotaryTrustStore] = s => s.Signing.NotaryTrustStorePath,
        [SbomSpecVersion] = s => CycloneDxSpecVersions.ToText(s.Sbom.SpecVersion),
        [SignatureFormat] = s => SecureContainers.Core.Signing.SignatureFormats.ToWord(s.Signing.Format),
        [VulnerabilitySeverity] = s => s.Content.Vulnerabilities.Threshold.ToString(),
        [VulnerabilityDatabase] = s => s.Content.VulnerabilityDatabase,
        [VulnerabilityDatabaseMaxAge] = s => $"{s.Content.VulnerabilityDatabaseMaxAge.TotalDays.ToString(CultureInfo.InvariantCulture)}d",
        [SigningMode] = s => s.Signing.Mode.ToString(),
        [FulcioUrl] = s => s.Signing.Sigstore.FulcioUrl.AbsoluteUri.TrimEnd('/'),
        [RekorUrl] = s => s.Signing.Sigstore.RekorUrl.AbsoluteUri.TrimEnd('/'),
    };

    private static (SecureContainerSettings Settings, DiagnosticBag Bag) Read(params (string Name, string? Value)[] properties)
    {
        DiagnosticBag bag = new();
        RawSettings raw = new() { Properties = properties.ToDictionary(p => p.Name, p => p.Value, StringComparer.OrdinalIgnoreCase) };
        return (SettingsReader.Read(raw, bag), bag);
    }

    public static TheoryData<string, string, string> MalformedValues()
    {
        TheoryData<string, string, string> data = new();
        foreach ((string name, (string code, string[] values)) in Malformed)
        {
            foreach (string value in values)
            {
                data.Add(name, value, code);
            }
        }

        return data;
    }

    [Fact]
    public void EverySettingHasMalformedValuesUnderTest()
    {
        Assert.Equal(All.Order(StringComparer.Ordinal), Malformed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(All.Count, All.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [MemberData(nameof(MalformedValues))]
    public void MalformedValueIsItsCodedErrorNamingThePropertyAndTheValue(string name, string value, string code)
    {
        (_, DiagnosticBag bag) = Read((name, value));

        Diagnostic error = Assert.Single(bag.Items);
        Assert.Equal(code, error.Code);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryMalformedValueIsReportedInOneRead()
    {
        (_, DiagnosticBag bag) = Read(Malformed.Select(m => (m.Key, (string?)m.Value.Values[0])).ToArray());

        Assert.Equal(Malformed.Values.Select(m => m.Code).Order(StringComparer.Ordinal), bag.Items.Select(d => d.Code).Order(StringComparer.Ordinal));
        Assert.All(Malformed.Keys, name => Assert.Contains(bag.Items, d => d.Message.Contains(name, StringComparison.Ordinal)));
    }

    [Fact]
    public void EveryBooleanSettingHasItsFailClosedReadingUnderTest() =>
        Assert.Equal(
            Malformed.Where(m => m.Value.Code == "SC1001").Select(m => m.Key).Order(StringComparer.Ordinal),
            Booleans.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("ture")]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("no")]
    [InlineData("0")]
    [InlineData("off")]
    public void NoMalformedRuleSwitchReadsAsOff(string value)
    {
        foreach ((string name, (Func<SecureContainerSettings, bool> read, bool failClosed)) in Booleans)
        {
            // Under both profiles, so that a profile default cannot hide the reading.
            foreach (string profile in new[] { "Baseline", "Restricted" })
            {
                (SecureContainerSettings settings, DiagnosticBag bag) = Read((Profile, profile), (name, value));
                Assert.Equal("SC1001", Assert.Single(bag.Items).Code);
                Assert.True(read(settings) == failClosed, $"{name}={value} under {profile} reads as {read(settings)}, not {failClosed}");
            }
        }
    }

    [Fact]
    public void MisspelledSecretScanStillScans()
    {
        (SecureContainerSettings settings, DiagnosticBag bag) = Read((SecretScan, "ture"));
        Assert.True(settings.Content.SecretScan);
        Assert.Equal("SC1001", Assert.Single(bag.Items).Code);
    }

    [Theory]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData(" true ", true)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    [InlineData("\tfalse\n", false)]
    public void BooleansParseInAnyCase(string value, bool expected)
    {
        foreach ((string name, (Func<SecureContainerSettings, bool> read, _)) in Booleans)
        {
            (SecureContainerSettings settings, DiagnosticBag bag) = Read((name, value));
            Assert.Empty(bag.Items);
            Assert.True(read(settings) == expected, $"{name}='{value}' reads as {read(settings)}");
        }
    }

    [Theory]
    [InlineData("restricted", "Restricted")]
    [InlineData("RESTRICTED", "Restricted")]
    [InlineData(" baseline ", "Baseline")]
    public void ProfileParsesInAnyCase(string value, string expected)
    {
        (SecureContainerSettings settings, DiagnosticBag bag) = Read((Profile, value));
        Assert.Empty(bag.Items);
        Assert.Equal(expected, settings.Policy.Profile.ToString());
    }

    [Theory]
    [InlineData("both", Format.Both)]
    [InlineData("bundle", Format.Bundle)]
    [InlineData(" legacy ", Format.Legacy)]
    public void SignatureFormatTakesItsThreeWords(string value, Format expected)
    {
        (SecureContainerSettings settings, DiagnosticBag bag) = Read((SettingNames.SignatureFormat, value));
        Assert.Empty(bag.Items);
        Assert.Equal(expected, settings.Signing.Format);
    }

    [Fact]
    public void AMalformedSignatureFormatFailsClosedToBoth()
    {
        // "both" writes everything: a typo must not leave out the format some verifier reads.
        (SecureContainerSettings settings, DiagnosticBag bag) = Read((SettingNames.SignatureFormat, "bundles"));
        Assert.Equal("SC1006", Assert.Single(bag.Items).Code);
        Assert.Equal(Format.Both, settings.Signing.Format);
    }

    [Fact]
    public void ValidValuesOfTheOtherKindsParse()
    {
        (SecureContainerSettings s, DiagnosticBag bag) = Read(
            (MaxLayerBytes, "1024"), (MaxLayerEntries, " 10 "), (CacheDirectory, "/tmp/cache dir"), (SigningKey, "keys/signing.pem"),
            (SigningKeyPasswordVariable, "MY_PASSWORD_2"), (VerifyBaseImageKey, "base.pub"), (SbomSpecVersion, " 1.7 "),
            (SbomDirectory, "out/sbom"), (VulnerabilitySeverity, "CRITICAL"), (SourceDateEpoch, "1700000000"));

        Assert.Empty(bag.Items);
        Assert.Equal(1024, s.LayerLimits.MaxUncompressedBytesPerLayer);
        Assert.Equal(10, s.LayerLimits.MaxEntriesPerLayer);
        Assert.Equal("/tmp/cache dir", s.CacheDirectory);
        Assert.Equal("keys/signing.pem", s.Signing.KeyPath);
        Assert.Equal("MY_PASSWORD_2", s.Signing.PasswordVariable);
        Assert.Equal("base.pub", s.Signing.VerifyBaseImageKeyPath);
        Assert.Equal("1.7", CycloneDxSpecVersions.ToText(s.Sbom.SpecVersion));
        Assert.Equal("out/sbom", s.Sbom.Directory);
        Assert.Equal("Critical", s.Content.Vulnerabilities.Threshold.ToString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), s.SourceDateEpoch);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void EmptyIsTheDefaultAndReportsNothing(string? empty)
    {
        (SecureContainerSettings fromEmpty, DiagnosticBag bag) = Read(All.Select(n => (n, empty)).ToArray());
        (SecureContainerSettings fromNothing, _) = Read();

        Assert.Empty(bag.Items);
        Assert.Equal(Describe(fromNothing), Describe(fromEmpty));
        Assert.Null(fromEmpty.CacheDirectory);
        Assert.Null(fromEmpty.Sbom.Directory);
        Assert.Null(fromEmpty.SourceDateEpoch);
    }

    /// <summary>The Default column of docs/configuration.md is what an empty property reads as, under each profile it names.</summary>
    [Fact]
    public void EmptyReadsAsTheDefaultDocumentedInConfigurationMd()
    {
        Dictionary<string, string> documented = DocumentedDefaults();
        int compared = 0;
        foreach (string name in All)
        {
            Assert.True(documented.TryGetValue(name, out string? column), $"{name} has no row in the properties table of docs/configuration.md");
            Func<SecureContainerSettings, string?>? read = Booleans.TryGetValue(name, out var b) ? s => b.Read(s) ? "true" : "false"
                : AsText.TryGetValue(name, out var t) ? t
                : null;
            if (read is null)
            {
                continue; // A path the targets default from MSBuild properties; EmptyIsTheDefault covers the core's reading.
            }

            Match profile = Regex.Match(column, @"^profile \(`Baseline`: `(\w+)`, `Restricted`: `(\w+)`\)");
            if (profile.Success)
            {
                Assert.Equal(profile.Groups[1].Value, read(Read((name, null)).Settings), ignoreCase: true);
                Assert.Equal(profile.Groups[2].Value, read(Read((name, null), (Profile, "Restricted")).Settings), ignoreCase: true);
            }
            else if (column.Trim() == "empty")
            {
                Assert.Null(read(Read((name, null)).Settings));
            }
            else
            {
                Match literal = Regex.Match(column, "^`([^`]+)`");
                Assert.True(literal.Success, $"{name}: default column '{column}' is neither a literal, 'empty' nor a profile default");
                Assert.True(string.Equals(literal.Groups[1].Value, read(Read((name, null)).Settings), StringComparison.OrdinalIgnoreCase),
                    $"{name}: documented default {literal.Groups[1].Value}, read {read(Read((name, null)).Settings)}");
            }

            compared++;
        }

        Assert.True(compared >= 24, $"only {compared} defaults compared");
    }

    [Fact]
    public void KeylessModeAndSigstoreUrlsParseWithHttpOnlyForLoopback()
    {
        (SecureContainerSettings s, DiagnosticBag bag) = Read(
            (SigningMode, " keyless "), (FulcioUrl, "http://127.0.0.1:8080"), (RekorUrl, "https://rekor.example.com/prefix/"), (TransparencyLog, "true"));
        (SecureContainerSettings localhost, DiagnosticBag localBag) = Read((FulcioUrl, "http://localhost:5555"), (RekorUrl, "http://[::1]:5556"));

        Assert.Empty(bag.Items);
        Assert.Empty(localBag.Items);
        Assert.Equal(SigningMethod.Keyless, s.Signing.Mode);
        Assert.Equal("http://127.0.0.1:8080/api/v2/signingCert", SigstoreUrl.Combine(s.Signing.Sigstore.FulcioUrl, FulcioClient.SigningCertPath).AbsoluteUri);
        Assert.Equal("https://rekor.example.com/prefix/api/v1/log/entries", SigstoreUrl.Combine(s.Signing.Sigstore.RekorUrl, RekorClient.EntriesPath).AbsoluteUri);
        Assert.True(s.Signing.TransparencyLog);
        Assert.Equal("localhost", localhost.Signing.Sigstore.FulcioUrl.Host);
    }

    [Fact]
    public void AMalformedSigningModeReadsAsKeylessSoTheTokenCheckStillRuns()
    {
        (SecureContainerSettings s, DiagnosticBag bag) = Read((SigningMode, "oidc"));

        Assert.Equal("SC6058", Assert.Single(bag.Items).Code);
        Assert.Equal(SigningMethod.Keyless, s.Signing.Mode);
    }

    [Fact]
    public void RestrictedTurnsOnSigningLatestDigestAndMinimalBase()
    {
        (SecureContainerSettings baseline, _) = Read();
        (SecureContainerSettings restricted, DiagnosticBag bag) = Read((Profile, "Restricted"));

        Assert.Empty(bag.Items);
        Assert.Equal("Restricted", restricted.Policy.Profile.ToString());
        Assert.True(restricted.Signing.Required);
        Assert.True(restricted.Signing.ForbidLatestOnly);
        Assert.True(restricted.Policy.RequireBaseImageDigest);
        Assert.True(restricted.Policy.RequireMinimalBaseImage);
        Assert.Equal("Restricted", restricted.Content.Vulnerabilities.Profile.ToString());

        Assert.False(baseline.Signing.Required);
        Assert.False(baseline.Signing.ForbidLatestOnly);
        Assert.False(baseline.Policy.RequireBaseImageDigest);
        Assert.False(baseline.Policy.RequireMinimalBaseImage);
    }

    [Fact]
    public void AnExplicitValueOverridesTheProfile()
    {
        (SecureContainerSettings s, DiagnosticBag bag) = Read(
            (Profile, "Restricted"), (RequireSigning, "false"), (ForbidLatestTag, "False"), (RequireBaseImageDigest, "FALSE"), (RequireMinimalBaseImage, "false"));

        Assert.Empty(bag.Items);
        Assert.False(s.Signing.Required);
        Assert.False(s.Signing.ForbidLatestOnly);
        Assert.False(s.Policy.RequireBaseImageDigest);
        Assert.False(s.Policy.RequireMinimalBaseImage);
    }

    [Fact]
    public void MalformedProfileReportsAndTheRestStillParses()
    {
        (SecureContainerSettings s, DiagnosticBag bag) = Read((Profile, "Strict"), (RequireSigning, "true"), (SecretScan, "flase"));

        Assert.Equal(["SC1001", "SC1002"], bag.Items.Select(d => d.Code).Order(StringComparer.Ordinal));
        Assert.True(s.Signing.Required);
        Assert.True(s.Content.SecretScan);
    }

    [Fact]
    public void EverySettingIsDocumentedInConfigurationMd()
    {
        Dictionary<string, string> documented = DocumentedDefaults();
        Assert.All(All, name => Assert.True(documented.ContainsKey(name), $"{name} is not in the properties table of docs/configuration.md"));
        // And back: a documented property the settings item does not carry would be silently ignored.
        Assert.All(documented.Keys, name => Assert.Contains(name, All));
    }

    [Fact]
    public void TheTargetsSettingsItemCarriesExactlyEverySettingAsItsRawProperty()
    {
        XDocument targets = XDocument.Load(RepositoryRoot.Combine("build", "SecureContainers.Build.targets"));
        XElement[] items = targets.Descendants().Where(e => e.Name.LocalName == "_SecureContainerSettings" && e.Attribute("Include") is not null).ToArray();
        XElement item = Assert.Single(items);

        string[] metadata = item.Attributes().Select(a => a.Name.LocalName).Where(n => n is not ("Include" or "Condition")).ToArray();
        Assert.Equal(All.Order(StringComparer.Ordinal), metadata.Order(StringComparer.Ordinal));
        // Raw: the parse is the core's job, so MSBuild passes each property through untouched.
        Assert.All(All, name => Assert.Equal($"$({name})", item.Attribute(name)!.Value));
    }

    [Fact]
    public void DefaultsTheTargetsSetAreOnlyTheOnesThatNeedMSBuild()
    {
        // Every other default is the core's, so the CLI (which has no targets) applies the same ones.
        XDocument targets = XDocument.Load(RepositoryRoot.Combine("build", "SecureContainers.Build.targets"));
        string[] assigned = targets.Descendants().Where(e => e.Parent?.Name.LocalName == "PropertyGroup" && All.Contains(e.Name.LocalName))
            .Select(e => e.Name.LocalName).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal([SbomDirectory, SourceDateEpoch], assigned);
        Assert.All(targets.Descendants().Where(e => assigned.Contains(e.Name.LocalName)),
            e => Assert.Equal($"'$({e.Name.LocalName})' == ''", e.Attribute("Condition")?.Value));
    }

    /// <summary>Property → its Default column, from the first table of docs/configuration.md.</summary>
    private static Dictionary<string, string> DocumentedDefaults()
    {
        string doc = File.ReadAllText(RepositoryRoot.Combine("docs", "configuration.md"));
        int start = doc.IndexOf("| Property | Default | Meaning |", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/configuration.md has no properties table");
        string table = string.Join('\n', doc[start..].Split('\n').Skip(2).TakeWhile(l => l.StartsWith('|')));
        return Regex.Matches(table, @"^\|\s*`(\w+)`\s*\|\s*([^|]*?)\s*\|", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
    }

    private static string Describe(SecureContainerSettings s) =>
        string.Join(';', Booleans.Select(b => $"{b.Key}={b.Value.Read(s)}").Concat(AsText.Select(t => $"{t.Key}={t.Value(s)}")));

    [Theory]
    [InlineData("7d", 7 * 24)]
    [InlineData("36h", 36)]
    [InlineData("14", 14 * 24)]
    [InlineData(" 2D ", 48)]
    public void DatabaseMaxAgeReadsDaysOrHours(string value, int hours)
    {
        (SecureContainerSettings s, DiagnosticBag bag) = Read((VulnerabilityDatabaseMaxAge, value), (VulnerabilityDatabase, "osv"));

        Assert.Empty(bag.Items);
        Assert.Equal(TimeSpan.FromHours(hours), s.Content.VulnerabilityDatabaseMaxAge);
        Assert.Equal("osv", s.Content.VulnerabilityDatabase);
    }

    [Fact]
    public void KeylessBaseImageSettingsReadAsOnePolicy()
    {
        (SecureContainerSettings s, DiagnosticBag bag) = Read(
            (VerifyBaseImageIdentityRegexp, "^https://github\\.com/org/.*$"), (VerifyBaseImageOidcIssuer, " https://token.actions.githubusercontent.com "), (VerifyBaseImageTrustedRoot, "trusted_root.json"));

        Assert.Empty(bag.Items);
        Assert.NotNull(s.Signing.VerifyBaseImageIdentity);
        Assert.True(s.Signing.VerifyBaseImageIdentity.MatchesIdentity("https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main"));
        Assert.False(s.Signing.VerifyBaseImageIdentity.MatchesIdentity("https://github.com/other/repo"));
        Assert.Equal("https://token.actions.githubusercontent.com", s.Signing.VerifyBaseImageIdentity.Issuer);
        Assert.Equal("trusted_root.json", s.Signing.VerifyBaseImageTrustedRootPath);
    }

    [Theory]
    [InlineData(VerifyBaseImageKey, "base.pub", VerifyBaseImageIdentity, "dev@example.com", VerifyBaseImageOidcIssuer, "https://accounts.google.com")]
    [InlineData(VerifyBaseImageIdentity, "dev@example.com", VerifyBaseImageIdentityRegexp, ".*", VerifyBaseImageOidcIssuer, "https://accounts.google.com")]
    [InlineData(VerifyBaseImageIdentity, "dev@example.com", VerifyBaseImageTrustedRoot, "trusted_root.json", Enabled, "true")]
    [InlineData(VerifyBaseImageIdentity, "dev@example.com", VerifyBaseImageOidcIssuer, "https://accounts.google.com", Enabled, "true")]
    public void HalfOrDoublyConfiguredKeylessSettingsAreSC6077(string name1, string value1, string name2, string value2, string name3, string value3)
    {
        (SecureContainerSettings s, DiagnosticBag bag) = Read((name1, value1), (name2, value2), (name3, value3));

        Assert.Equal("SC6077", Assert.Single(bag.Items).Code);
        Assert.Null(s.Signing.VerifyBaseImageIdentity);
        Assert.NotEmpty(s.Errors);
    }

    [Fact]
    public void KeyWithTrustedRootIsAccepted()
    {
        (SecureContainerSettings s, DiagnosticBag bag) = Read((VerifyBaseImageKey, "base.pub"), (VerifyBaseImageTrustedRoot, "trusted_root.json"));

        Assert.Empty(bag.Items);
        Assert.Null(s.Signing.VerifyBaseImageIdentity);
        Assert.Equal("trusted_root.json", s.Signing.VerifyBaseImageTrustedRootPath);
    }
}
