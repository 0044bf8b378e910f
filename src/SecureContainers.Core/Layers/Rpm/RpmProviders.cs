namespace SecureContainers.Core.Layers.Rpm;

/// <summary>
/// Resolves what an rpm package requires to the installed packages that provide it, the way rpm's dependency check
/// does: a capability (<c>libc.so.6()(64bit)</c>, <c>glibc</c>) by the PROVIDENAME tags, a path (<c>/bin/sh</c>) by
/// the files packages own. <c>rpmlib(...)</c> requirements are satisfied by rpm itself and name no package.
/// </summary>
internal sealed class RpmProviders
{
    private readonly Dictionary<string, List<string>> _byCapability = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<RpmHeader> _headers;
    private Dictionary<string, List<string>>? _byPath;

    public RpmProviders(IReadOnlyList<RpmHeader> headers)
    {
        _headers = headers;
        foreach (RpmHeader h in headers)
        {
            if (h.GetString(RpmHeader.Name) is not string name)
            {
                continue;
            }

            // rpm adds "name = evr" to every package's provides; older headers may lack it, so the name counts anyway.
            foreach (string capability in h.GetStrings(RpmHeader.ProvideName).Append(name))
            {
                Add(_byCapability, capability, name);
            }
        }
    }

    /// <summary>Names of the installed packages that satisfy <paramref name="header"/>'s requirements, itself excluded, in first-seen order.</summary>
    public IReadOnlyList<string> Resolve(RpmHeader header, string self)
    {
        var names = new List<string>();
        foreach (string required in header.GetStrings(RpmHeader.RequireName))
        {
            if (required.StartsWith("rpmlib(", StringComparison.Ordinal))
            {
                continue;
            }

            IEnumerable<string> found = _byCapability.TryGetValue(required, out List<string>? providers) ? providers : [];
            if (required.StartsWith('/') && ByPath().TryGetValue(required, out List<string>? owners))
            {
                found = found.Concat(owners);
            }

            foreach (string name in found)
            {
                if (name != self && !names.Contains(name))
                {
                    names.Add(name);
                }
            }
        }

        return names;
    }

    /// <summary>Built on first use, and only then: most requirements are capabilities, and file lists are the bulk of a header.</summary>
    private Dictionary<string, List<string>> ByPath()
    {
        if (_byPath is not null)
        {
            return _byPath;
        }

        _byPath = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (RpmHeader h in _headers)
        {
            IReadOnlyList<string> baseNames = h.GetStrings(RpmHeader.BaseNames);
            IReadOnlyList<string> dirNames = h.GetStrings(RpmHeader.DirNames);
            IReadOnlyList<int> dirIndexes = h.GetInt32s(RpmHeader.DirIndexes);
            if (h.GetString(RpmHeader.Name) is not string name || dirIndexes.Count != baseNames.Count)
            {
                continue;
            }

            for (int i = 0; i < baseNames.Count; i++)
            {
                int dir = dirIndexes[i];
                if (dir >= 0 && dir < dirNames.Count)
                {
                    Add(_byPath, dirNames[dir] + baseNames[i], name);
                }
            }
        }

        return _byPath;
    }

    private static void Add(Dictionary<string, List<string>> map, string key, string name)
    {
        if (!map.TryGetValue(key, out List<string>? list))
        {
            map[key] = list = [];
        }

        if (!list.Contains(name))
        {
            list.Add(name);
        }
    }
}
