using System.Diagnostics.CodeAnalysis;

namespace SecureContainers.Core.Packages.Versions;

/// <summary>
/// An Alpine package version, <c>digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}</c>, ordered as apk-tools
/// orders it (src/version.c, <c>apk_version_compare</c>): the version is read as a sequence of tokens that compare
/// pairwise. Numbers compare as numbers, except that a dotted number with a leading zero compares as text (the Gentoo
/// rule, so <c>1.01</c> &lt; <c>1.1</c> and <c>1.010</c> &gt; <c>1.01</c>); suffixes rank <c>_alpha</c> &lt;
/// <c>_beta</c> &lt; <c>_pre</c> &lt; <c>_rc</c> &lt; (none) &lt; <c>_cvs</c> &lt; <c>_svn</c> &lt; <c>_git</c> &lt;
/// <c>_hg</c> &lt; <c>_p</c>; a commit hash after <c>~</c> compares as text; <c>-rN</c> is the package revision.
/// When one version has more tokens, it is newer unless its next token is a pre-release suffix.
/// </summary>
/// <remarks>
/// <see cref="Parse"/> accepts only what <c>apk_version_validate</c> accepts. <see cref="Compare(string, string)"/>
/// compares any two strings as apk does, invalid ones included (apk stops at the first token it cannot read).
/// Numbers are read into 64 bits and wrap as apk's <c>apk_blob_pull_uint</c> does, so versions differing only in a
/// number beyond 2^64 order as in apk, not as in arithmetic.
/// </remarks>
public sealed class ApkVersion : IComparable<ApkVersion>, IComparable, IEquatable<ApkVersion>
{
    private ApkVersion(string value) => OriginalString = value;

    public string OriginalString { get; }

    public override string ToString() => OriginalString;

    public static ApkVersion Parse(string value) =>
        TryParse(value, out ApkVersion? version)
            ? version
            : throw new FormatException($"'{value}' is not an apk version.");

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out ApkVersion? version)
    {
        version = value is not null && IsValid(value) ? new ApkVersion(value) : null;
        return version is not null;
    }

    /// <summary>apk's <c>apk_version_validate</c>: every token reads and the string ends after a valid one.</summary>
    public static bool IsValid(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var tokens = new Tokenizer(value);
        while (tokens.Current.Kind < TokenKind.End)
        {
            tokens.Next();
        }

        return tokens.Current.Kind == TokenKind.End;
    }

    /// <summary>apk's <c>apk_version_compare</c> on any two strings; returns -1, 0 or 1.</summary>
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var a = new Tokenizer(left);
        var b = new Tokenizer(right);
        while (a.Current.Kind == b.Current.Kind && a.Current.Kind < TokenKind.End)
        {
            int result = CompareTokens(a.Current, b.Current, left, right);
            if (result != 0)
            {
                return result;
            }

            a.Next();
            b.Next();
        }

        Token ta = a.Current, tb = b.Current;
        if (ta.Kind == tb.Kind)
        {
            return 0;
        }

        // The leading tokens are equal; the longer version is newer unless what it adds is a pre-release suffix.
        if (ta.Kind == TokenKind.Suffix && ta.Suffix < Suffix.None)
        {
            return -1;
        }

        if (tb.Kind == TokenKind.Suffix && tb.Suffix < Suffix.None)
        {
            return 1;
        }

        return ta.Kind > tb.Kind ? -1 : 1;
    }

    private static int CompareTokens(Token a, Token b, string left, string right)
    {
        switch (a.Kind)
        {
            case TokenKind.Digit when left[a.Start] != '0' && right[b.Start] != '0':
            case TokenKind.InitialDigit:
            case TokenKind.SuffixNumber:
            case TokenKind.RevisionNumber:
                return a.Number.CompareTo(b.Number);
            case TokenKind.Letter:
                return left[a.Start].CompareTo(right[b.Start]) switch { < 0 => -1, > 0 => 1, _ => 0 };
            case TokenKind.Suffix:
                return a.Suffix.CompareTo(b.Suffix);
            default:
                // Dotted numbers with a leading zero and commit hashes compare as text (apk_blob_sort: bytes, then length).
                return Math.Sign(left.AsSpan(a.Start, a.Length).SequenceCompareTo(right.AsSpan(b.Start, b.Length)));
        }
    }

    public int CompareTo(ApkVersion? other) => other is null ? 1 : Compare(OriginalString, other.OriginalString);

    int IComparable.CompareTo(object? obj) => obj switch
    {
        null => 1,
        ApkVersion other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be an {nameof(ApkVersion)}.", nameof(obj)),
    };

    public bool Equals(ApkVersion? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is ApkVersion other && Equals(other);

    /// <summary>Valid versions that compare equal have the same tokens, numbers equal as numbers: hash the tokens so.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        var tokens = new Tokenizer(OriginalString);
        for (; tokens.Current.Kind < TokenKind.End; tokens.Next())
        {
            Token t = tokens.Current;
            hash.Add(t.Kind);
            switch (t.Kind)
            {
                case TokenKind.Digit when OriginalString[t.Start] != '0':
                case TokenKind.InitialDigit:
                case TokenKind.SuffixNumber:
                case TokenKind.RevisionNumber:
                    hash.Add(t.Number);
                    break;
                case TokenKind.Suffix:
                    hash.Add(t.Suffix);
                    break;
                default:
                    hash.Add(string.GetHashCode(OriginalString.AsSpan(t.Start, t.Length), StringComparison.Ordinal));
                    break;
            }
        }

        return hash.ToHashCode();
    }

    public static bool operator ==(ApkVersion? left, ApkVersion? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(ApkVersion? left, ApkVersion? right) => !(left == right);

    public static bool operator <(ApkVersion? left, ApkVersion? right) => Comparer<ApkVersion>.Default.Compare(left, right) < 0;

    public static bool operator <=(ApkVersion? left, ApkVersion? right) => Comparer<ApkVersion>.Default.Compare(left, right) <= 0;

    public static bool operator >(ApkVersion? left, ApkVersion? right) => Comparer<ApkVersion>.Default.Compare(left, right) > 0;

    public static bool operator >=(ApkVersion? left, ApkVersion? right) => Comparer<ApkVersion>.Default.Compare(left, right) >= 0;

    // The order of the kinds matters: apk compares them as numbers when two versions part ways.
    private enum TokenKind
    {
        InitialDigit,
        Digit,
        Letter,
        Suffix,
        SuffixNumber,
        CommitHash,
        RevisionNumber,
        End,
        Invalid,
    }

    // apk's suffix order; None is the position of a release, between the pre-release and post-release suffixes.
    private enum Suffix
    {
        Invalid,
        Alpha,
        Beta,
        Pre,
        Rc,
        None,
        Cvs,
        Svn,
        Git,
        Hg,
        P,
    }

    private readonly record struct Token(TokenKind Kind, int Start, int Length, ulong Number, Suffix Suffix);

    /// <summary>apk's <c>token_first</c> and <c>token_next</c>: each token is checked against the one before it.</summary>
    private struct Tokenizer
    {
        private readonly string _text;
        private int _position;

        public Tokenizer(string text)
        {
            _text = text;
            Current = ReadDigits(TokenKind.InitialDigit);
        }

        public Token Current { get; private set; }

        public void Next()
        {
            if (_position >= _text.Length)
            {
                Current = Current with { Kind = TokenKind.End };
                return;
            }

            TokenKind previous = Current.Kind;
            char c = _text[_position];
            switch (c)
            {
                case >= 'a' and <= 'z':
                    if (previous > TokenKind.Digit)
                    {
                        Current = Invalid();
                        return;
                    }

                    Current = new Token(TokenKind.Letter, _position, 1, 0, Suffix.Invalid);
                    _position++;
                    return;
                case '.' or (>= '0' and <= '9'):
                    if (c == '.' && previous > TokenKind.Digit)
                    {
                        Current = Invalid();
                        return;
                    }

                    TokenKind kind = previous switch
                    {
                        TokenKind.InitialDigit or TokenKind.Digit => TokenKind.Digit,
                        TokenKind.Suffix => TokenKind.SuffixNumber,
                        _ => TokenKind.Invalid,
                    };
                    if (kind == TokenKind.Invalid)
                    {
                        Current = Invalid();
                        return;
                    }

                    if (c == '.')
                    {
                        _position++;
                    }

                    Current = ReadDigits(kind);
                    return;
                case '_':
                    if (previous > TokenKind.SuffixNumber)
                    {
                        Current = Invalid();
                        return;
                    }

                    int start = ++_position;
                    while (_position < _text.Length && _text[_position] is >= 'a' and <= 'z')
                    {
                        _position++;
                    }

                    Suffix suffix = SuffixOf(_text.AsSpan(start, _position - start));
                    Current = suffix == Suffix.Invalid ? Invalid() : new Token(TokenKind.Suffix, start, _position - start, 0, suffix);
                    return;
                case '~':
                    if (previous >= TokenKind.CommitHash)
                    {
                        Current = Invalid();
                        return;
                    }

                    int hashStart = ++_position;
                    while (_position < _text.Length && _text[_position] is (>= '0' and <= '9') or (>= 'a' and <= 'f'))
                    {
                        _position++;
                    }

                    Current = _position == hashStart ? Invalid() : new Token(TokenKind.CommitHash, hashStart, _position - hashStart, 0, Suffix.Invalid);
                    return;
                case '-':
                    if (previous >= TokenKind.RevisionNumber || _position + 1 >= _text.Length || _text[_position + 1] != 'r')
                    {
                        Current = Invalid();
                        return;
                    }

                    _position += 2;
                    Current = ReadDigits(TokenKind.RevisionNumber);
                    return;
                default:
                    Current = Invalid();
                    return;
            }
        }

        private Token Invalid() => Current with { Kind = TokenKind.Invalid };

        /// <summary>apk's <c>token_parse_digits</c>: an empty number makes the token invalid.</summary>
        private Token ReadDigits(TokenKind kind)
        {
            int start = _position;
            ulong number = 0;
            while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
            {
                number = unchecked((number * 10) + (ulong)(_text[_position] - '0'));
                _position++;
            }

            return _position == start
                ? new Token(TokenKind.Invalid, start, 0, 0, Suffix.Invalid)
                : new Token(kind, start, _position - start, number, Suffix.Invalid);
        }

        private static Suffix SuffixOf(ReadOnlySpan<char> name) => name switch
        {
            "alpha" => Suffix.Alpha,
            "beta" => Suffix.Beta,
            "pre" => Suffix.Pre,
            "rc" => Suffix.Rc,
            "cvs" => Suffix.Cvs,
            "svn" => Suffix.Svn,
            "git" => Suffix.Git,
            "hg" => Suffix.Hg,
            "p" => Suffix.P,
            _ => Suffix.Invalid,
        };
    }
}
