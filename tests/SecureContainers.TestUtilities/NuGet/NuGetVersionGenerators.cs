using FsCheck;
using FsCheck.Fluent;

namespace SecureContainers.TestUtilities.NuGet;

/// <summary>
/// Version strings drawn from a small alphabet so that generated versions often tie on some parts: equal numbers with
/// different labels, labels differing only in case, 3 vs 4 parts, build metadata.
/// </summary>
public static class NuGetVersionGenerators
{
    private static readonly string[] Labels = ["alpha", "beta", "Beta", "rc", "1", "2", "10", "0", "a-b", "0a", "01b"];

    public static Gen<string> Version { get; } =
        from parts in Gen.Choose(1, 4)
        from numbers in Gen.ArrayOf(Gen.Choose(0, 3), 4)
        from labelCount in Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Choose(1, 3)))
        from labels in Gen.ArrayOf(Gen.Elements(Labels), 3)
        from metadata in Gen.Elements<string?>(null, null, null, "build.5", "sha-abc")
        select string.Join('.', numbers.Take(parts)) +
               (labelCount > 0 ? "-" + string.Join('.', labels.Take(labelCount)) : string.Empty) +
               (metadata is null ? string.Empty : "+" + metadata);

    public static Gen<(string, string, string)> Triples { get; } =
        from a in Version
        from b in Version
        from c in Version
        select (a, b, c);
}
