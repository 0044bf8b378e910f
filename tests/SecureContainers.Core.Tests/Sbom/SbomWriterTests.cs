using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.NuGet;

namespace SecureContainers.Core.Tests.Sbom;

public class SbomWriterTests
{
    [Fact]
    public void SameInputsGiveSameBytesWhateverTheLibraryOrder()
    {
        IReadOnlyList<NuGetLibrary> libraries = SbomTestInputs.Closure().Libraries;

        byte[] first = SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Create(libraries)));
        byte[] second = SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Create(libraries.Reverse().ToArray())));

        Assert.Equal(first, second);
    }

    [Fact]
    public void SerialNumberIsAContentDerivedLowercaseUuid()
    {
        string serial = Serial(SbomTestInputs.Create());

        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", serial);
        Assert.Equal(serial, Serial(SbomTestInputs.Create()));
    }

    [Fact]
    public void SerialNumberChangesWhenAComponentChanges()
    {
        IReadOnlyList<NuGetLibrary> libraries = SbomTestInputs.Closure().Libraries;
        NuGetLibrary[] bumped = libraries.Select(l => l.Id == "Newtonsoft.Json" ? l with { Version = "13.0.4" } : l).ToArray();

        Assert.NotEqual(Serial(SbomTestInputs.Create(libraries)), Serial(SbomTestInputs.Create(bumped)));
    }

    [Fact]
    public void ExplicitSerialNumberIsKept()
    {
        SbomDocument document = SbomBuilder.Build(SbomTestInputs.Create()) with { SerialNumber = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" };

        Assert.Equal("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", Parse(SbomWriter.Write(document)).GetProperty("serialNumber").GetString());
    }

    [Fact]
    public void OutputIsUtf8WithoutBomIndentedWithUnixNewlines()
    {
        byte[] bytes = SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Create()));
        string text = new UTF8Encoding(false, true).GetString(bytes);

        Assert.NotEqual(0xEF, bytes[0]);
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("}\n", text);
        Assert.StartsWith("{\n  \"$schema\": \"http://cyclonedx.org/schema/bom-1.6.schema.json\",\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",", text);
    }

    [Fact]
    public void ComponentsAndDependenciesAreInOrdinalBomRefOrder()
    {
        JsonElement bom = Parse(SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Create())));

        string[] components = bom.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("bom-ref").GetString()!).ToArray();
        string[] dependencies = bom.GetProperty("dependencies").EnumerateArray().Select(c => c.GetProperty("ref").GetString()!).ToArray();
        Assert.Equal(components.Order(StringComparer.Ordinal), components);
        Assert.Equal(dependencies.Order(StringComparer.Ordinal), dependencies);
        Assert.Equal(components.Length + 1, dependencies.Length);
    }

    [Fact]
    public void SourceDateEpochBecomesTheTimestamp()
    {
        SbomInputs inputs = SbomTestInputs.Create() with { Timestamp = SbomTimestamp.Resolve("1700000000", DateTimeOffset.UnixEpoch) };

        JsonElement bom = Parse(SbomWriter.Write(SbomBuilder.Build(inputs)));

        Assert.Equal("2023-11-14T22:13:20Z", bom.GetProperty("metadata").GetProperty("timestamp").GetString());
    }

    [Fact]
    public void TimestampIsWrittenInUtcToWholeSeconds()
    {
        var local = new DateTimeOffset(2024, 2, 29, 23, 30, 15, 999, TimeSpan.FromHours(-5));

        Assert.Equal("2024-03-01T04:30:15Z", SbomWriter.FormatTimestamp(local));
    }

    [Fact]
    public void NoTimestampWhenNoneIsGiven()
    {
        JsonElement bom = Parse(SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Create() with { Timestamp = null })));

        Assert.False(bom.GetProperty("metadata").TryGetProperty("timestamp", out _));
    }

    [Fact]
    public void BytesDoNotDependOnTheCurrentCulture()
    {
        SbomDocument document = SbomBuilder.Build(SbomTestInputs.Create());
        byte[] invariant = SbomWriter.Write(document);
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            foreach (string name in new[] { "ar-SA", "th-TH", "tr-TR", "fa-IR" })
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
                Assert.Equal(invariant, SbomWriter.Write(document));
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void DuplicateBomRefIsRejected()
    {
        SbomDocument document = SbomBuilder.Build(SbomTestInputs.Create());
        SbomDocument duplicated = document with { Components = [.. document.Components, document.Components[0]] };

        Assert.Throws<ArgumentException>(() => SbomWriter.Write(duplicated));
    }

    [Fact]
    public void DependencyOnAnUnknownBomRefIsRejected()
    {
        SbomDocument document = SbomBuilder.Build(SbomTestInputs.Create());
        SbomDocument dangling = document with { Dependencies = [.. document.Dependencies.Skip(1), new SbomDependency(document.Dependencies[0].Ref, ["pkg:nuget/Nowhere@1.0.0"])] };

        Assert.Throws<ArgumentException>(() => SbomWriter.Write(dangling));
    }

    [Fact]
    public void HashOfTheWrongLengthIsRejected()
    {
        SbomDocument document = SbomBuilder.Build(SbomTestInputs.Create());
        SbomComponent bad = document.Components[0] with { Hashes = [new SbomHash(SbomHashAlgorithm.Sha512, new string('a', 64))] };

        Assert.Throws<ArgumentException>(() => SbomWriter.Write(document with { Components = [bad, .. document.Components.Skip(1)] }));
    }

    private static string Serial(SbomInputs inputs) =>
        Parse(SbomWriter.Write(SbomBuilder.Build(inputs))).GetProperty("serialNumber").GetString()!;

    private static JsonElement Parse(byte[] bytes) => JsonDocument.Parse(bytes).RootElement.Clone();
}
