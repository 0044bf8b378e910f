using FsCheck;
using FsCheck.Fluent;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Tests.Layers;

/// <summary>
/// Checks the tree-based merge against a deliberately naive model: a flat map of path to entry, where deleting a
/// directory means scanning every key for the prefix.
/// </summary>
public class WhiteoutModelTests
{
    private enum Op { File, Dir, Whiteout, Opaque }

    private static readonly string[] Paths = ["a", "a/b", "a/b/c", "a/d", "e", "e/f", "e/f/g"];

    [Fact]
    public void MergeMatchesNaiveModel()
    {
        Gen<(Op, string)> op = Gen.Zip(Gen.Elements(Op.File, Op.Dir, Op.Whiteout, Op.Opaque), Gen.Elements(Paths));
        Gen<(Op, string)[][]> image = Gen.ArrayOf(Gen.ArrayOf(op).Select(ops => ops.Take(6).ToArray())).Select(ls => ls.Take(4).ToArray());

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), Prop.ForAll(Arb.From(image), ((Op, string)[][] layers) =>
        {
            Blob[] blobs = layers.Select(Build).ToArray();
            ImageFileSystem fs = Scan.Blobs(blobs).GetAwaiter().GetResult();

            var actual = fs.Entries.Select(e => (e.Path, e.Type, e.LayerDigest)).OrderBy(e => e.Path, StringComparer.Ordinal).ToArray();
            var expected = Model(layers, blobs.Select(b => b.Ref.Digest).ToArray());
            Assert.Equal(expected, actual);
        }));
    }

    private static Blob Build((Op Op, string Path)[] ops)
    {
        var layer = new TestLayer();
        foreach ((Op op, string path) in ops)
        {
            _ = op switch
            {
                Op.File => layer.File(path),
                Op.Dir => layer.Dir(path),
                Op.Whiteout => layer.Whiteout(path),
                _ => layer.Opaque(path),
            };
        }

        return layer.Build(TestLayer.TarMediaType);
    }

    private static (string, LayerEntryType, Digest)[] Model((Op Op, string Path)[][] layers, Digest[] digests)
    {
        var state = new Dictionary<string, (LayerEntryType Type, Digest Layer)>();
        for (int i = 0; i < layers.Length; i++)
        {
            foreach ((Op op, string path) in layers[i].Where(o => o.Op is Op.Whiteout or Op.Opaque))
            {
                foreach (string key in state.Keys.ToArray())
                {
                    bool below = key.StartsWith(path + "/", StringComparison.Ordinal);
                    if (below || (op == Op.Whiteout && key == path))
                    {
                        state.Remove(key);
                    }
                }
            }

            foreach ((Op op, string path) in layers[i].Where(o => o.Op is Op.File or Op.Dir))
            {
                if (op == Op.File)
                {
                    foreach (string key in state.Keys.Where(k => k.StartsWith(path + "/", StringComparison.Ordinal)).ToArray())
                    {
                        state.Remove(key);
                    }
                }

                state[path] = (op == Op.File ? LayerEntryType.File : LayerEntryType.Directory, digests[i]);
            }
        }

        return state.Select(kv => ("/" + kv.Key, kv.Value.Type, kv.Value.Layer)).OrderBy(e => e.Item1, StringComparer.Ordinal).ToArray();
    }
}
