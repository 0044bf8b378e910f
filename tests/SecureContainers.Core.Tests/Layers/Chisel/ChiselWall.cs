using System.Text;
using ZstdSharp;

namespace SecureContainers.Core.Tests.Layers.Chisel;

/// <summary>Chisel manifests written line by line in the format chisel's public/manifest tests show.</summary>
internal static class ChiselWall
{
    public const string LibcSha = "1111111111111111111111111111111111111111111111111111111111111111";
    public const string BaseFilesSha = "2222222222222222222222222222222222222222222222222222222222222222";
    public const string ZlibSha = "3333333333333333333333333333333333333333333333333333333333333333";

    /// <summary>Entries (without the header) of a manifest cutting base-files, libc6 and zlib1g, sorted as chisel sorts them.</summary>
    public static string[] Entries { get; } =
    [
        """{"kind":"content","slice":"base-files_base","path":"/etc/debian_version"}""",
        """{"kind":"content","slice":"base-files_chisel","path":"/var/lib/chisel/manifest.wall"}""",
        """{"kind":"content","slice":"base-files_release-info","path":"/etc/debian_version"}""",
        """{"kind":"content","slice":"libc6_libs","path":"/usr/lib/x86_64-linux-gnu/libc.so.6"}""",
        """{"kind":"content","slice":"zlib1g_libs","path":"/usr/lib/x86_64-linux-gnu/libz.so.1"}""",
        $$"""{"kind":"package","name":"base-files","version":"12.4+deb12u11","sha256":"{{BaseFilesSha}}","arch":"amd64"}""",
        $$"""{"kind":"package","name":"libc6","version":"2.36-9+deb12u10","sha256":"{{LibcSha}}","arch":"amd64"}""",
        $$"""{"kind":"package","name":"zlib1g","version":"1:1.2.13.dfsg-1","sha256":"{{ZlibSha}}","arch":"amd64"}""",
        """{"kind":"path","path":"/etc/debian_version","mode":"0644","slices":["base-files_base","base-files_release-info"],"sha256":"4444444444444444444444444444444444444444444444444444444444444444","size":5}""",
        """{"kind":"path","path":"/usr/lib/x86_64-linux-gnu/libc.so.6","mode":"0755","slices":["libc6_libs"],"sha256":"5555555555555555555555555555555555555555555555555555555555555555","size":1922136}""",
        """{"kind":"path","path":"/usr/lib/x86_64-linux-gnu/libz.so.1","mode":"0777","slices":["zlib1g_libs"],"link":"libz.so.1.2.13"}""",
        """{"kind":"path","path":"/var/lib/chisel/manifest.wall","mode":"0644","slices":["base-files_chisel"]}""",
        """{"kind":"slice","name":"base-files_base"}""",
        """{"kind":"slice","name":"base-files_chisel"}""",
        """{"kind":"slice","name":"base-files_release-info"}""",
        """{"kind":"slice","name":"libc6_libs"}""",
        """{"kind":"slice","name":"zlib1g_libs"}""",
    ];

    /// <summary>The jsonwall text: chisel's header counts the header line too.</summary>
    public static string Text(IReadOnlyList<string>? entries = null, string? header = null)
    {
        entries ??= Entries;
        header ??= $$"""{"jsonwall":"1.0","schema":"1.0","count":{{entries.Count + 1}}}""";
        var text = new StringBuilder(header).Append('\n');
        foreach (string entry in entries)
        {
            text.Append(entry).Append('\n');
        }

        return text.ToString();
    }

    public static byte[] Compress(string text) => Compress(Encoding.UTF8.GetBytes(text));

    public static byte[] Compress(byte[] data)
    {
        using var compressor = new Compressor(3);
        return compressor.Wrap(data).ToArray();
    }

    /// <summary>The compressed manifest as chisel writes it.</summary>
    public static byte[] Manifest(IReadOnlyList<string>? entries = null, string? header = null) => Compress(Text(entries, header));
}
