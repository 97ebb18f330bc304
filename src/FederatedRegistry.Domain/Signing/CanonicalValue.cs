using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace FederatedRegistry.Domain.Signing;

/// <summary>The kinds of value the canonical encoding knows. There are no floating-point numbers.</summary>
public enum CanonicalKind
{
    Null = 1,
    Boolean = 2,
    Integer = 3,
    String = 4,
    Bytes = 5,
    Timestamp = 6,
    List = 7,
    Map = 8,
}

/// <summary>
/// A structured value with exactly one byte form (<see cref="CanonicalEncoding"/>): null, booleans, 64-bit integers,
/// Unicode strings, byte strings, timestamps (UTC, whole microseconds), lists, and maps with string keys.
/// Values are immutable and compare by content; a map's insertion order is not part of its value.
/// </summary>
/// <remarks>
/// Build values with the factories and implicit conversions (<c>CanonicalValue.Map(("n", 3), ("at", now))</c>),
/// or from plain objects with <see cref="From(object?)"/>. Anything that has no single byte form is refused when
/// the value is built: strings with unpaired surrogates, non-integral numbers, nesting deeper than
/// <see cref="MaxDepth"/>, and duplicate map keys.
/// </remarks>
public abstract class CanonicalValue : IEquatable<CanonicalValue>
{
    /// <summary>Lists and maps nest at most this deep (a scalar has depth 0, an empty list depth 1).</summary>
    public const int MaxDepth = 64;

    private protected CanonicalValue()
    {
    }

    public abstract CanonicalKind Kind { get; }

    /// <summary>0 for a scalar; one more than the deepest item for a list or map.</summary>
    public abstract int Depth { get; }

    public static CanonicalValue Null => CanonicalNull.Instance;

    public static CanonicalBoolean Boolean(bool value) => value ? CanonicalBoolean.True : CanonicalBoolean.False;

    public static CanonicalInteger Integer(long value) => new(value);

    /// <exception cref="ArgumentException">The string holds an unpaired surrogate, so it has no UTF-8 form.</exception>
    public static CanonicalString String(string value) => new(value);

    public static CanonicalBytes Bytes(ReadOnlySpan<byte> value) => new([.. value]);

    /// <summary>The instant in UTC, rounded down to the whole microsecond (see <see cref="CanonicalTimestamp"/>).</summary>
    public static CanonicalTimestamp Timestamp(DateTimeOffset value) => new(value);

    /// <summary>A list of the given items; <c>List(aList)</c> is a list holding one list.</summary>
    public static CanonicalList List(params CanonicalValue[] items) => new([.. items]);

    /// <summary>A list of the items of a sequence.</summary>
    public static CanonicalList ListOf(IEnumerable<CanonicalValue> items) => new([.. items]);

    /// <exception cref="ArgumentException">A key appears twice or holds an unpaired surrogate.</exception>
    public static CanonicalMap Map(params (string Key, CanonicalValue Value)[] entries) =>
        new(entries.Select(e => new KeyValuePair<string, CanonicalValue>(e.Key, e.Value)));

    /// <exception cref="ArgumentException">A key appears twice or holds an unpaired surrogate.</exception>
    public static CanonicalMap Map(IEnumerable<KeyValuePair<string, CanonicalValue>> entries) => new(entries);

    public static implicit operator CanonicalValue(bool value) => Boolean(value);

    public static implicit operator CanonicalValue(long value) => Integer(value);

    public static implicit operator CanonicalValue(string value) => String(value);

    public static implicit operator CanonicalValue(DateTimeOffset value) => Timestamp(value);

    public static implicit operator CanonicalValue(byte[] value) => Bytes(value);

    /// <summary>
    /// Converts plain .NET values: null; <see cref="bool"/>; the integer types (a <see cref="ulong"/> up to
    /// <see cref="long.MaxValue"/>); <see cref="string"/>; <see cref="DateTimeOffset"/> and UTC or local
    /// <see cref="DateTime"/>; <c>byte[]</c>, <see cref="ReadOnlyMemory{T}"/> and <see cref="ImmutableArray{T}"/> of bytes;
    /// dictionaries with string keys (<see cref="IReadOnlyDictionary{TKey,TValue}"/> or <see cref="IDictionary"/>);
    /// any other <see cref="IEnumerable"/> as a list; and <see cref="CanonicalValue"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A value has no canonical form: a floating-point or decimal number, an enum (convert it to its API name, e.g.
    /// with <see cref="EnumNames"/>), a <see cref="DateTime"/> of unspecified kind, a non-string key, or any other
    /// type. The message names the offending path, e.g. <c>$.cells[2].count</c>.
    /// </exception>
    public static CanonicalValue From(object? value) => From(value, "$", 0);

    private static CanonicalValue From(object? value, string path, int depth)
    {
        switch (value)
        {
            case null:
                return Null;
            case CanonicalValue canonical:
                if (depth + canonical.Depth > MaxDepth)
                {
                    throw TooDeep(path);
                }
                return canonical;
            case bool b:
                return Boolean(b);
            case string s:
                return Text(s, path);
            case sbyte or byte or short or ushort or int or uint or long:
                return Integer(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong u:
                return u <= long.MaxValue
                    ? Integer((long)u)
                    : throw new ArgumentException($"{path}: {u} is larger than the largest integer, {long.MaxValue}.", nameof(value));
            case float or double or decimal or Half:
                throw new ArgumentException(
                    $"{path}: {value.GetType().Name} numbers have no canonical form; use an integer (a count, minor units) or a string.",
                    nameof(value));
            case Enum:
                throw new ArgumentException(
                    $"{path}: enum {value.GetType().Name} has no canonical form; use its API name (EnumNames.ToSnake) as a string.",
                    nameof(value));
            case DateTimeOffset dto:
                return Timestamp(dto);
            case DateTime dt:
                return dt.Kind == DateTimeKind.Unspecified
                    ? throw new ArgumentException($"{path}: a DateTime of unspecified kind is ambiguous; use UTC or a DateTimeOffset.", nameof(value))
                    : Timestamp(new DateTimeOffset(dt.ToUniversalTime()));
            case byte[] bytes:
                return Bytes(bytes);
            case ReadOnlyMemory<byte> memory:
                return Bytes(memory.Span);
            case Memory<byte> memory:
                return Bytes(memory.Span);
            case ImmutableArray<byte> array:
                return Bytes(array.AsSpan());
        }
        if (depth >= MaxDepth)
        {
            throw TooDeep(path);
        }
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> dictionary:
                return new CanonicalMap(dictionary.Select(e =>
                    new KeyValuePair<string, CanonicalValue>(Key(e.Key, path), From(e.Value, Member(path, e.Key), depth + 1))));
            case IDictionary dictionary:
                var entries = new List<KeyValuePair<string, CanonicalValue>>(dictionary.Count);
                foreach (DictionaryEntry e in dictionary)
                {
                    if (e.Key is not string key)
                    {
                        throw new ArgumentException($"{path}: map keys must be strings, not {e.Key.GetType().Name}.", nameof(value));
                    }
                    entries.Add(new(Key(key, path), From(e.Value, Member(path, key), depth + 1)));
                }
                return new CanonicalMap(entries);
            case IEnumerable items:
                var list = new List<CanonicalValue>();
                foreach (var item in items)
                {
                    list.Add(From(item, $"{path}[{list.Count}]", depth + 1));
                }
                return new CanonicalList([.. list]);
            default:
                throw new ArgumentException($"{path}: values of type {value.GetType().Name} have no canonical form.", nameof(value));
        }
    }

    private static CanonicalString Text(string s, string path)
    {
        try
        {
            return new CanonicalString(s);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{path}: {e.Message}", nameof(s), e);
        }
    }

    private static string Key(string key, string path)
    {
        Text(key, path);
        return key;
    }

    private static string Member(string path, string key) => $"{path}.{key}";

    private static ArgumentException TooDeep(string path) =>
        new($"{path}: lists and maps nest deeper than {MaxDepth} levels.", "value");

    /// <summary>The canonical bytes of this value (<see cref="CanonicalEncoding.Encode(CanonicalValue)"/>).</summary>
    public byte[] Encode() => CanonicalEncoding.Encode(this);

    /// <summary>SHA-256 of the canonical bytes.</summary>
    public byte[] Sha256() => CanonicalEncoding.Sha256(this);

    public abstract bool Equals(CanonicalValue? other);

    public sealed override bool Equals(object? obj) => obj is CanonicalValue other && Equals(other);

    public abstract override int GetHashCode();

    public static bool operator ==(CanonicalValue? left, CanonicalValue? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(CanonicalValue? left, CanonicalValue? right) => !(left == right);

    /// <summary>A JSON-like rendering for people (logs, test failures); not the canonical form.</summary>
    public sealed override string ToString()
    {
        var sb = new StringBuilder();
        Render(sb);
        return sb.ToString();
    }

    internal abstract void Render(StringBuilder sb);
}

public sealed class CanonicalNull : CanonicalValue
{
    internal static readonly CanonicalNull Instance = new();

    private CanonicalNull()
    {
    }

    public override CanonicalKind Kind => CanonicalKind.Null;

    public override int Depth => 0;

    public override bool Equals(CanonicalValue? other) => other is CanonicalNull;

    public override int GetHashCode() => 0x6E;

    internal override void Render(StringBuilder sb) => sb.Append("null");
}

public sealed class CanonicalBoolean : CanonicalValue
{
    internal static readonly CanonicalBoolean True = new(true);
    internal static readonly CanonicalBoolean False = new(false);

    private CanonicalBoolean(bool value) => Value = value;

    public bool Value { get; }

    public override CanonicalKind Kind => CanonicalKind.Boolean;

    public override int Depth => 0;

    public override bool Equals(CanonicalValue? other) => other is CanonicalBoolean b && b.Value == Value;

    public override int GetHashCode() => Value ? 0x74 : 0x66;

    internal override void Render(StringBuilder sb) => sb.Append(Value ? "true" : "false");
}

public sealed class CanonicalInteger(long value) : CanonicalValue
{
    public long Value { get; } = value;

    public override CanonicalKind Kind => CanonicalKind.Integer;

    public override int Depth => 0;

    public override bool Equals(CanonicalValue? other) => other is CanonicalInteger i && i.Value == Value;

    public override int GetHashCode() => HashCode.Combine(CanonicalKind.Integer, Value);

    internal override void Render(StringBuilder sb) => sb.Append(Value.ToString(CultureInfo.InvariantCulture));
}

/// <summary>A Unicode string; it holds no unpaired surrogate, so its UTF-8 form is exact.</summary>
public sealed class CanonicalString : CanonicalValue
{
    /// <exception cref="ArgumentException">The string holds an unpaired surrogate.</exception>
    public CanonicalString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
        Utf8 = CanonicalEncoding.Utf8Of(value);
    }

    public string Value { get; }

    internal byte[] Utf8 { get; }

    public override CanonicalKind Kind => CanonicalKind.String;

    public override int Depth => 0;

    public override bool Equals(CanonicalValue? other) => other is CanonicalString s && string.Equals(s.Value, Value, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(CanonicalKind.String, string.GetHashCode(Value, StringComparison.Ordinal));

    internal override void Render(StringBuilder sb) => RenderString(sb, Value);

    internal static void RenderString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                < ' ' => sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => sb.Append(c),
            };
        }
        sb.Append('"');
    }
}

public sealed class CanonicalBytes : CanonicalValue
{
    public CanonicalBytes(ImmutableArray<byte> value) => Value = value.IsDefault ? [] : value;

    public ImmutableArray<byte> Value { get; }

    public override CanonicalKind Kind => CanonicalKind.Bytes;

    public override int Depth => 0;

    public override bool Equals(CanonicalValue? other) => other is CanonicalBytes b && b.Value.AsSpan().SequenceEqual(Value.AsSpan());

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(CanonicalKind.Bytes);
        hash.AddBytes(Value.AsSpan());
        return hash.ToHashCode();
    }

    internal override void Render(StringBuilder sb) => sb.Append("b64\"").Append(Convert.ToBase64String(Value.AsSpan())).Append('"');
}

/// <summary>
/// An instant in UTC at microsecond precision: the one PostgreSQL's <c>timestamptz</c> and most languages keep, so a
/// value read back from storage encodes as it did when written. Finer ticks are rounded down (towards the past).
/// </summary>
public sealed class CanonicalTimestamp : CanonicalValue
{
    public CanonicalTimestamp(DateTimeOffset value) => Value = CanonicalEncoding.ToMicroseconds(value);

    /// <summary>The instant, with offset zero and whole microseconds.</summary>
    public DateTimeOffset Value { get; }

    /// <summary>Microseconds since 1970-01-01T00:00:00Z (negative before it).</summary>
    public long UnixMicroseconds => (Value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public override CanonicalKind Kind => CanonicalKind.Timestamp;

    public override int Depth => 0;

    public override bool Equals(CanonicalValue? other) => other is CanonicalTimestamp t && t.Value.UtcTicks == Value.UtcTicks;

    public override int GetHashCode() => HashCode.Combine(CanonicalKind.Timestamp, Value.UtcTicks);

    internal override void Render(StringBuilder sb) =>
        sb.Append(Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
}

public sealed class CanonicalList : CanonicalValue, IReadOnlyList<CanonicalValue>
{
    /// <exception cref="ArgumentException">The list would nest deeper than <see cref="CanonicalValue.MaxDepth"/>.</exception>
    public CanonicalList(ImmutableArray<CanonicalValue> items)
    {
        Items = items.IsDefault ? [] : items;
        var deepest = 0;
        foreach (var item in Items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            deepest = Math.Max(deepest, item.Depth);
        }
        Depth = deepest + 1;
        if (Depth > MaxDepth)
        {
            throw new ArgumentException($"Lists and maps nest at most {MaxDepth} levels deep.", nameof(items));
        }
    }

    public ImmutableArray<CanonicalValue> Items { get; }

    public int Count => Items.Length;

    public CanonicalValue this[int index] => Items[index];

    public override CanonicalKind Kind => CanonicalKind.List;

    public override int Depth { get; }

    public override bool Equals(CanonicalValue? other) =>
        other is CanonicalList l && l.Items.Length == Items.Length && l.Items.SequenceEqual(Items);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(CanonicalKind.List);
        foreach (var item in Items)
        {
            hash.Add(item);
        }
        return hash.ToHashCode();
    }

    public IEnumerator<CanonicalValue> GetEnumerator() => ((IEnumerable<CanonicalValue>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal override void Render(StringBuilder sb)
    {
        sb.Append('[');
        for (var i = 0; i < Items.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            Items[i].Render(sb);
        }
        sb.Append(']');
    }
}

/// <summary>
/// A map with string keys. Its entries are kept in canonical order (ordinal order of the keys' UTF-8 bytes),
/// whatever order they were given in, so two maps with the same entries are equal and encode alike.
/// </summary>
public sealed class CanonicalMap : CanonicalValue, IReadOnlyDictionary<string, CanonicalValue>
{
    private readonly Dictionary<string, CanonicalValue> _byKey;

    /// <exception cref="ArgumentException">
    /// A key appears twice or holds an unpaired surrogate, or the map would nest deeper than <see cref="CanonicalValue.MaxDepth"/>.
    /// </exception>
    public CanonicalMap(IEnumerable<KeyValuePair<string, CanonicalValue>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _byKey = new Dictionary<string, CanonicalValue>(StringComparer.Ordinal);
        var sorted = new List<(byte[] Utf8, KeyValuePair<string, CanonicalValue> Entry)>();
        var deepest = 0;
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry.Key, nameof(entries));
            ArgumentNullException.ThrowIfNull(entry.Value, nameof(entries));
            byte[] utf8;
            try
            {
                utf8 = CanonicalEncoding.Utf8Of(entry.Key);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Map key: {e.Message}", nameof(entries), e);
            }
            if (!_byKey.TryAdd(entry.Key, entry.Value))
            {
                throw new ArgumentException($"The map key \"{entry.Key}\" appears more than once.", nameof(entries));
            }
            sorted.Add((utf8, entry));
            deepest = Math.Max(deepest, entry.Value.Depth);
        }
        sorted.Sort((a, b) => a.Utf8.AsSpan().SequenceCompareTo(b.Utf8));
        Entries = [.. sorted.Select(s => s.Entry)];
        KeysUtf8 = [.. sorted.Select(s => s.Utf8)];
        Depth = deepest + 1;
        if (Depth > MaxDepth)
        {
            throw new ArgumentException($"Lists and maps nest at most {MaxDepth} levels deep.", nameof(entries));
        }
    }

    /// <summary>The entries in canonical order: by the ordinal order of the keys' UTF-8 bytes.</summary>
    public ImmutableArray<KeyValuePair<string, CanonicalValue>> Entries { get; }

    internal ImmutableArray<byte[]> KeysUtf8 { get; }

    public int Count => Entries.Length;

    public CanonicalValue this[string key] => _byKey[key];

    public IEnumerable<string> Keys => Entries.Select(e => e.Key);

    public IEnumerable<CanonicalValue> Values => Entries.Select(e => e.Value);

    public bool ContainsKey(string key) => _byKey.ContainsKey(key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out CanonicalValue value) =>
        _byKey.TryGetValue(key, out value);

    public override CanonicalKind Kind => CanonicalKind.Map;

    public override int Depth { get; }

    public override bool Equals(CanonicalValue? other)
    {
        if (other is not CanonicalMap m || m.Count != Count)
        {
            return false;
        }
        for (var i = 0; i < Entries.Length; i++)
        {
            if (!string.Equals(Entries[i].Key, m.Entries[i].Key, StringComparison.Ordinal) || !Entries[i].Value.Equals(m.Entries[i].Value))
            {
                return false;
            }
        }
        return true;
    }

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(CanonicalKind.Map);
        foreach (var (key, value) in Entries)
        {
            hash.Add(key, StringComparer.Ordinal);
            hash.Add(value);
        }
        return hash.ToHashCode();
    }

    public IEnumerator<KeyValuePair<string, CanonicalValue>> GetEnumerator() =>
        ((IEnumerable<KeyValuePair<string, CanonicalValue>>)Entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal override void Render(StringBuilder sb)
    {
        sb.Append('{');
        for (var i = 0; i < Entries.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            CanonicalString.RenderString(sb, Entries[i].Key);
            sb.Append(": ");
            Entries[i].Value.Render(sb);
        }
        sb.Append('}');
    }
}
