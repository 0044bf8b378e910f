using SecureContainers.Core.Layers;
using SecureContainers.Core.Sbom;
using static SecureContainers.Core.Tests.Sbom.SbomJson;

namespace SecureContainers.Core.Tests.Sbom;

/// <summary>The whole-image SBOM (NuGet, runtime, OS) is a function of its inputs: same inputs, same bytes.</summary>
public class SbomDeterminismTests
{
    [Fact]
    public void IdenticalInputsGiveByteIdenticalSboms()
    {
        byte[] first = SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Full()));
        byte[] second = SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Full()));

        Assert.Equal(first, second);
    }

    [Fact]
    public void InputOrderOfOsPackagesAndFrameworksDoesNotChangeTheBytes()
    {
        ImageContentsReport contents = SbomTestInputs.DebianBase();
        ImageContentsReport reversed = SbomTestInputs.Report(contents.OsRelease, contents.Packages.Reverse().ToArray(), contents.DotNetFrameworks.Reverse().ToArray());

        Assert.Equal(
            SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Full(contents))),
            SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Full(reversed))));
    }

    [Fact]
    public void SerialNumberChangesWhenAnOsPackageChanges()
    {
        ImageContentsReport contents = SbomTestInputs.DebianBase();
        ImageContentsReport patched = SbomTestInputs.Report(contents.OsRelease,
            contents.Packages.Select(p => p.Name == "libssl3" ? p with { Version = "3.0.16-1~deb12u1" } : p).ToArray(), contents.DotNetFrameworks);

        string before = Text(Written(SbomTestInputs.Full(contents)), "serialNumber")!;
        string after = Text(Written(SbomTestInputs.Full(patched)), "serialNumber")!;

        Assert.NotEqual(before, after);
    }

    [Fact]
    public void SerialNumberChangesWhenTheRuntimeChanges()
    {
        ImageContentsReport contents = SbomTestInputs.DebianBase();
        ImageContentsReport patched = SbomTestInputs.Report(contents.OsRelease, contents.Packages,
            contents.DotNetFrameworks.Select(f => f with { Version = "10.0.1" }).ToArray());

        Assert.NotEqual(Text(Written(SbomTestInputs.Full(contents)), "serialNumber"), Text(Written(SbomTestInputs.Full(patched)), "serialNumber"));
    }

    [Fact]
    public void EveryComponentHasExactlyOneDependenciesEntry()
    {
        System.Text.Json.JsonElement bom = Written(SbomTestInputs.Full());

        string[] refs = ComponentRefs(bom).Append(ImageRef(bom)).Order(StringComparer.Ordinal).ToArray();
        string[] entries = bom.GetProperty("dependencies").EnumerateArray().Select(d => d.GetProperty("ref").GetString()!).ToArray();
        Assert.Equal(refs, entries);
    }
}
