using SecureContainers.Core.Oci;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Cli.Tests.Sbom;

public class SbomChoiceTests
{
    private static Descriptor Entry(char fill, string? created = null) =>
        new(MediaTypes.OciManifestV1, Digest.Parse("sha256:" + new string(fill, 64)), 100)
        {
            ArtifactType = SbomFetcher.CycloneDxJsonMediaType,
            Annotations = created is null ? null : new Dictionary<string, string> { [SbomFetcher.CreatedAnnotation] = created },
        };

    [Fact]
    public void NewestCreatedWinsWhateverTheListOrder()
    {
        Descriptor[] entries = [Entry('a', "2024-01-01T00:00:00Z"), Entry('b', "2025-01-01T00:00:00+02:00"), Entry('c'), Entry('d', "not a date")];

        foreach (Descriptor[] order in Permutations(entries))
        {
            Assert.Equal(entries[1], SbomFetcher.Choose(order));
        }
    }

    [Fact]
    public void EqualTimesAndUndatedFallBackToTheSmallestDigest()
    {
        Assert.Equal('1', SbomFetcher.Choose([Entry('9', "2024-01-01T00:00:00Z"), Entry('1', "2024-01-01T00:00:00Z")])!.Digest.Hex[0]);
        Assert.Equal('2', SbomFetcher.Choose([Entry('f'), Entry('2')])!.Digest.Hex[0]);
        Assert.Null(SbomFetcher.Choose([]));
    }

    private static IEnumerable<Descriptor[]> Permutations(Descriptor[] items) =>
        items.Length <= 1
            ? [items]
            : items.SelectMany((item, i) => Permutations(items.Where((_, j) => j != i).ToArray()).Select(rest => rest.Prepend(item).ToArray()));
}
