using System.Text;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Decodes the text databases of an image. They are meant to be UTF-8 but are written by many tools; invalid bytes
/// become U+FFFD instead of failing, because one odd maintainer name must not hide every package.
/// </summary>
internal static class LenientText
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        return Utf8.GetString(bytes);
    }

    /// <summary>Lines split on LF, CRLF or a lone CR, without their terminators.</summary>
    public static IEnumerable<string> Lines(string text)
    {
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n' || c == '\r')
            {
                yield return text[start..i];
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }
}
