using System.Globalization;

namespace SecureContainers.Core.Secrets;

/// <summary>Where a finding sits in what the image will carry.</summary>
public enum SecretLocationKind
{
    /// <summary>A file or folder in the publish directory; <see cref="SecretLocation.Name"/> is its relative path with '/'.</summary>
    File,
    EnvironmentVariable,
    Label,
    /// <summary><see cref="SecretLocation.Name"/> is the zero-based index in the OCI config's Entrypoint.</summary>
    Entrypoint,
    /// <summary><see cref="SecretLocation.Name"/> is the zero-based index in the OCI config's Cmd.</summary>
    Cmd,
    /// <summary>
    /// A file or folder in a layer of an image that is already built (the CLI's <c>check</c>);
    /// <see cref="SecretLocation.Name"/> is its absolute in-image path (<c>/app/appsettings.json</c>).
    /// </summary>
    ImageFile,
}

/// <summary>A place, never a value: a relative path and line, or the name of a variable or label, or an argument index.</summary>
public sealed record SecretLocation(SecretLocationKind Kind, string Name, int? Line = null)
{
    /// <summary>
    /// What exclusion patterns match: the relative path for files (in-image paths without their leading '/', which
    /// patterns drop too), otherwise <c>env:NAME</c>, <c>label:NAME</c>, <c>entrypoint:N</c> or <c>cmd:N</c>.
    /// </summary>
    public string Key => Kind switch
    {
        SecretLocationKind.File => Name,
        SecretLocationKind.ImageFile => Name.TrimStart('/'),
        SecretLocationKind.EnvironmentVariable => "env:" + Name,
        SecretLocationKind.Label => "label:" + Name,
        SecretLocationKind.Entrypoint => "entrypoint:" + Name,
        _ => "cmd:" + Name,
    };

    /// <summary>For messages: "file appsettings.json line 4", "environment variable DB_PASSWORD", "entrypoint argument 2".</summary>
    public string Describe() => Kind switch
    {
        SecretLocationKind.File or SecretLocationKind.ImageFile => Line is int line ? $"File '{Name}' line {line.ToString(CultureInfo.InvariantCulture)}" : $"'{Name}'",
        SecretLocationKind.EnvironmentVariable => $"Environment variable {Name}",
        SecretLocationKind.Label => $"Label {Name}",
        SecretLocationKind.Entrypoint => $"Entrypoint argument {Name}",
        _ => $"Cmd argument {Name}",
    };

    public override string ToString() => Describe();
}
