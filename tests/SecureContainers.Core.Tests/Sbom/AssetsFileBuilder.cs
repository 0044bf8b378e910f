using System.Text.Json.Nodes;

namespace SecureContainers.Core.Tests.Sbom;

/// <summary>
/// Writes small project.assets.json files shaped like NuGet's (assets version 3), so each reader rule can be shown on
/// a graph of a few nodes. The real-world shape is covered by TestData/app.project.assets.json.
/// </summary>
internal sealed class AssetsFileBuilder
{
    private readonly string _framework;
    private readonly string? _rid;
    private readonly JsonObject _target = new();
    private readonly JsonObject _libraries = new();
    private readonly JsonObject _dependencies = new();
    private readonly JsonArray _topLevel = new();

    public AssetsFileBuilder(string framework = "net10.0", string? rid = "linux-x64")
    {
        _framework = framework;
        _rid = rid;
    }

    /// <summary>Adds a package to the target graph; <paramref name="runtime"/> false gives it only a <c>_._</c> placeholder.</summary>
    public AssetsFileBuilder Package(string id, string version, bool runtime = true, string? sha512Base64 = null, params string[] dependsOn)
    {
        JsonObject entry = new() { ["type"] = "package" };
        if (dependsOn.Length > 0)
        {
            JsonObject deps = new();
            foreach (string d in dependsOn)
            {
                deps[d] = "1.0.0";
            }

            entry["dependencies"] = deps;
        }

        entry["compile"] = new JsonObject { [$"lib/net8.0/{id}.dll"] = new JsonObject() };
        entry["runtime"] = new JsonObject { [runtime ? $"lib/net8.0/{id}.dll" : "lib/net8.0/_._"] = new JsonObject() };
        _target[$"{id}/{version}"] = entry;
        _libraries[$"{id}/{version}"] = new JsonObject
        {
            ["sha512"] = sha512Base64 ?? Convert.ToBase64String(new byte[64]),
            ["type"] = "package",
            ["path"] = $"{id.ToLowerInvariant()}/{version}",
        };
        return this;
    }

    public AssetsFileBuilder Project(string name, params string[] dependsOn)
    {
        JsonObject deps = new();
        foreach (string d in dependsOn)
        {
            deps[d] = "1.0.0";
        }

        _target[$"{name}/1.0.0"] = new JsonObject
        {
            ["type"] = "project",
            ["framework"] = ".NETCoreApp,Version=v10.0",
            ["dependencies"] = deps,
            ["runtime"] = new JsonObject { [$"bin/placeholder/{name}.dll"] = new JsonObject() },
        };
        _libraries[$"{name}/1.0.0"] = new JsonObject { ["type"] = "project", ["path"] = $"../{name}/{name}.csproj", ["msbuildProject"] = $"../{name}/{name}.csproj" };
        _topLevel.Add($"{name} >= 1.0.0");
        return this;
    }

    /// <summary>A PackageReference of the project; <paramref name="privateAssetsAll"/> is <c>PrivateAssets="all"</c>.</summary>
    public AssetsFileBuilder Reference(string id, string version, bool privateAssetsAll = false)
    {
        JsonObject dependency = new() { ["target"] = "Package", ["version"] = $"[{version}, )" };
        if (privateAssetsAll)
        {
            dependency["suppressParent"] = "All";
        }

        _dependencies[id] = dependency;
        _topLevel.Add($"{id} >= {version}");
        return this;
    }

    public JsonObject ToJsonObject()
    {
        JsonObject targets = new() { [_framework] = _target.DeepClone() };
        if (_rid is not null)
        {
            targets[$"{_framework}/{_rid}"] = _target.DeepClone();
        }

        return new JsonObject
        {
            ["version"] = 3,
            ["targets"] = targets,
            ["libraries"] = _libraries.DeepClone(),
            ["projectFileDependencyGroups"] = new JsonObject { [_framework] = _topLevel.DeepClone() },
            ["project"] = new JsonObject
            {
                ["version"] = "1.0.0",
                ["frameworks"] = new JsonObject
                {
                    [_framework] = new JsonObject
                    {
                        ["framework"] = _framework,
                        ["targetAlias"] = _framework,
                        ["dependencies"] = _dependencies.DeepClone(),
                    },
                },
            },
        };
    }

    public byte[] ToBytes() => System.Text.Encoding.UTF8.GetBytes(ToJsonObject().ToJsonString());
}
