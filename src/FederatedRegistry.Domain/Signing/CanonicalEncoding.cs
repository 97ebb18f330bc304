using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace FederatedRegistry.Domain.Signing;

/// <summary>
/// The one byte form of a <see cref="CanonicalValue"/>: what node signatures and audit hashes are computed over.
/// </summary>
/// <remarks>
/// <para>Every value is a one-byte tag followed by its content. Integers are big-endian, lengths and counts are
/// unsigned 32-bit big-endian:</para>
/// <code>
/// null       'n' (0x6E)
/// false      'f' (0x66)
/// true       't' (0x74)
/// integer    'i' (0x69)  int64, two's complement
/// string     's' (0x73)  u32 byte length, UTF-8 bytes
/// bytes      'b' (0x62)  u32 byte length, the bytes
/// timestamp  'd' (0x64)  int64 microseconds since 1970-01-01T00:00:00Z
/// list       'l' (0x6C)  u32 item count, each item
/// map        'm' (0x6D)  u32 entry count, then per entry: u32 key byte length, key UTF-8 bytes, value;
///                        keys unique and in ascending ordinal order of their UTF-8 bytes
/// </code>
/// <para>Every encoding says where it ends, so a sequence of encodings parses one way only; with fixed-width numbers,
/// strict UTF-8 and one key order, two different values never share bytes and one value always has the same bytes.
/// <see cref="Decode"/> accepts exactly the bytes <see cref="Encode(CanonicalValue)"/> produces and refuses everything else.
/// The full specification with a worked example is in <c>Signing/README.md</c>.</para>
/// </remarks>
public static class CanonicalEncoding
{
    public const byte NullTag = (byte)'n';
    public const byte FalseTag = (byte)'f';
    public const byte TrueTag = (byte)'t';
    public const byte IntegerTag = (byte)'i';
    public const byte StringTag = (byte)'s';
    public const byte BytesTag = (byte)'b';
    public const byte TimestampTag = (byte)'d';
    public const byte ListTag = (byte)'l';
    public const byte MapTag = (byte)'m';

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly long MinMicroseconds = (DateTimeOffset.MinValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
    private static readonly long MaxMicroseconds = (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>The canonical bytes of <paramref name="value"/>.</summary>
    public static byte[] Encode(CanonicalValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var writer = new ArrayBufferWriter<byte>(256);
        Write(writer, value);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Appends the canonical bytes of <paramref name="value"/> to <paramref name="writer"/>.</summary>
    public static void Encode(CanonicalValue value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(writer);
        Write(writer, value);
    }

    /// <summary>SHA-256 of the canonical bytes of <paramref name="value"/> (32 bytes).</summary>
    public static byte[] Sha256(CanonicalValue value) => SHA256.HashData(Encode(value));

    /// <summary>SHA-256 of the canonical bytes, as 64 lower-case hexadecimal digits.</summary>
    public static string Sha256Hex(CanonicalValue value) => Convert.ToHexStringLower(Sha256(value));

    /// <summary>
    /// The value that <paramref name="bytes"/> encode.
    /// </summary>
    /// <exception cref="CanonicalFormatException">The bytes are not exactly the canonical encoding of one value.</exception>
    public static CanonicalValue Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes);
        var value = reader.Read(0);
        if (reader.Position != bytes.Length)
        {
            throw new CanonicalFormatException(reader.Position, $"{bytes.Length - reader.Position} bytes follow the value.");
        }
        return value;
    }

    /// <summary>Like <see cref="Decode"/>, with the reason as a sentence instead of an exception.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out CanonicalValue? value, [NotNullWhen(false)] out string? error)
    {
        try
        {
            value = Decode(bytes);
            error = null;
            return true;
        }
        catch (CanonicalFormatException e)
        {
            value = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>The instant in UTC rounded down to the whole microsecond: the precision timestamps are encoded at.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset value)
    {
        var ticks = value.UtcTicks; // never negative: DateTimeOffset starts at year 1
        return new DateTimeOffset(ticks - ticks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
    }

    internal static byte[] Utf8Of(string value)
    {
        try
        {
            return StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"the text holds an unpaired surrogate at index {e.Index}, so it has no UTF-8 form.", nameof(value), e);
        }
    }

    private static void Write(IBufferWriter<byte> writer, CanonicalValue value)
    {
        switch (value)
        {
            case CanonicalNull:
                WriteByte(writer, NullTag);
                break;
            case CanonicalBoolean b:
                WriteByte(writer, b.Value ? TrueTag : FalseTag);
                break;
            case CanonicalInteger i:
                WriteByte(writer, IntegerTag);
                WriteInt64(writer, i.Value);
                break;
            case CanonicalString s:
                WriteByte(writer, StringTag);
                WriteLengthPrefixed(writer, s.Utf8);
                break;
            case CanonicalBytes b:
                WriteByte(writer, BytesTag);
                WriteLengthPrefixed(writer, b.Value.AsSpan());
                break;
            case CanonicalTimestamp t:
                WriteByte(writer, TimestampTag);
                WriteInt64(writer, t.UnixMicroseconds);
                break;
            case CanonicalList l:
                WriteByte(writer, ListTag);
                WriteUInt32(writer, (uint)l.Count);
                foreach (var item in l.Items)
                {
                    Write(writer, item);
                }
                break;
            case CanonicalMap m:
                WriteByte(writer, MapTag);
                WriteUInt32(writer, (uint)m.Count);
                for (var i = 0; i < m.Count; i++)
                {
                    WriteLengthPrefixed(writer, m.KeysUtf8[i]);
                    Write(writer, m.Entries[i].Value);
                }
                break;
            default:
                throw new ArgumentException($"Unknown canonical value {value.GetType().Name}.", nameof(value));
        }
    }

    private static void WriteByte(IBufferWriter<byte> writer, byte b)
    {
        writer.GetSpan(1)[0] = b;
        writer.Advance(1);
    }

    private static void WriteInt64(IBufferWriter<byte> writer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(writer.GetSpan(8), value);
        writer.Advance(8);
    }

    private static void WriteUInt32(IBufferWriter<byte> writer, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(writer.GetSpan(4), value);
        writer.Advance(4);
    }

    private static void WriteLengthPrefixed(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        WriteUInt32(writer, (uint)bytes.Length);
        writer.Write(bytes);
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; private set; }

        private readonly int Remaining => _bytes.Length - Position;

        public CanonicalValue Read(int depth)
        {
            var at = Position;
            var tag = Take(1, "a value")[0];
            switch (tag)
            {
                case NullTag:
                    return CanonicalValue.Null;
                case FalseTag:
                    return CanonicalValue.Boolean(false);
                case TrueTag:
                    return CanonicalValue.Boolean(true);
                case IntegerTag:
                    return CanonicalValue.Integer(BinaryPrimitives.ReadInt64BigEndian(Take(8, "an integer")));
                case StringTag:
                    return new CanonicalString(Utf8String("a string"));
                case BytesTag:
                    return new CanonicalBytes([.. Take(Length("a byte string"), "a byte string")]);
                case TimestampTag:
                    var micros = BinaryPrimitives.ReadInt64BigEndian(Take(8, "a timestamp"));
                    if (micros < MinMicroseconds || micros > MaxMicroseconds)
                    {
                        throw new CanonicalFormatException(at, $"the timestamp {micros} µs is outside years 1 to 9999.");
                    }
                    return new CanonicalTimestamp(DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond));
                case ListTag:
                    var count = Count(at, depth, minItemBytes: 1, "list");
                    var items = ImmutableArray.CreateBuilder<CanonicalValue>(count);
                    for (var i = 0; i < count; i++)
                    {
                        items.Add(Read(depth + 1));
                    }
                    return new CanonicalList(items.MoveToImmutable());
                case MapTag:
                    var entries = Count(at, depth, minItemBytes: 5, "map");
                    var map = new List<KeyValuePair<string, CanonicalValue>>(entries);
                    ReadOnlySpan<byte> previous = default;
                    for (var i = 0; i < entries; i++)
                    {
                        var keyAt = Position;
                        var keyBytes = Take(Length("a map key"), "a map key");
                        if (i > 0 && previous.SequenceCompareTo(keyBytes) >= 0)
                        {
                            throw new CanonicalFormatException(keyAt, previous.SequenceEqual(keyBytes)
                                ? "a map key appears twice."
                                : "map keys are not in ascending order of their UTF-8 bytes.");
                        }
                        previous = keyBytes;
                        map.Add(new(Utf8(keyBytes, keyAt, "a map key"), Read(depth + 1)));
                    }
                    return new CanonicalMap(map);
                default:
                    throw new CanonicalFormatException(at, $"0x{tag:X2} is not a value tag.");
            }
        }

        private int Count(int at, int depth, int minItemBytes, string what)
        {
            if (depth >= CanonicalValue.MaxDepth)
            {
                throw new CanonicalFormatException(at, $"lists and maps nest deeper than {CanonicalValue.MaxDepth} levels.");
            }
            var count = BinaryPrimitives.ReadUInt32BigEndian(Take(4, $"a {what} count"));
            if (count > (uint)(Remaining / minItemBytes))
            {
                throw new CanonicalFormatException(at, $"the {what} claims {count} entries but only {Remaining} bytes remain.");
            }
            return (int)count;
        }

        private int Length(string what)
        {
            var at = Position;
            var length = BinaryPrimitives.ReadUInt32BigEndian(Take(4, $"the length of {what}"));
            if (length > (uint)Remaining)
            {
                throw new CanonicalFormatException(at, $"{what} claims {length} bytes but only {Remaining} remain.");
            }
            return (int)length;
        }

        private string Utf8String(string what)
        {
            var at = Position;
            return Utf8(Take(Length(what), what), at, what);
        }

        private static string Utf8(ReadOnlySpan<byte> bytes, int at, string what)
        {
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw new CanonicalFormatException(at, $"{what} is not valid UTF-8.");
            }
        }

        private ReadOnlySpan<byte> Take(int count, string what)
        {
            if (count > Remaining)
            {
                throw new CanonicalFormatException(Position, $"the bytes end inside {what}.");
            }
            var span = _bytes.Slice(Position, count);
            Position += count;
            return span;
        }
    }
}

/// <summary>Bytes that are not the canonical encoding of a value; the message says what is wrong and where.</summary>
public sealed class CanonicalFormatException(int offset, string reason)
    : FormatException($"Not a canonical encoding: at byte {offset}, {reason}")
{
    /// <summary>Where in the bytes the problem starts.</summary>
    public int Offset { get; } = offset;
}
