using CsCheck;
using FederatedRegistry.Domain.Signing;

namespace FederatedRegistry.Domain.Tests.Signing;

public sealed class CanonicalEncodingProperties
{
    private const long Iterations = 2_000;

    [Fact]
    public void Encode_UnderAnyMapInsertionOrder_GivesTheSameBytes() =>
        Gen.Select(CanonicalModels.Tree(), Gen.Int, Gen.Int).Sample((model, seed1, seed2) =>
        {
            var one = CanonicalModels.Shuffled(model, new Random(seed1));
            var other = CanonicalModels.Shuffled(model, new Random(seed2));

            Assert.Equal(one.Encode(), other.Encode());
            Assert.Equal(CanonicalValue.From(model).Encode(), one.Encode());
            Assert.Equal(one, other);
            Assert.Equal(one.GetHashCode(), other.GetHashCode());
        }, iter: Iterations);

    [Fact]
    public void Decode_OfTheEncoding_GivesTheSameModelBack() =>
        CanonicalModels.Tree().Sample(model =>
        {
            var bytes = CanonicalValue.From(model).Encode();

            var back = CanonicalModels.ToModel(CanonicalEncoding.Decode(bytes));

            Assert.True(CanonicalModels.Same(model, back), $"{CanonicalValue.From(model)} came back as {CanonicalValue.From(back)}");
        }, iter: Iterations);

    /// <summary>
    /// Injective: among many small trees drawn from a few keys and atoms (so equal and near-equal trees are common),
    /// two encodings are equal exactly when the trees are equal by the model's own equality.
    /// </summary>
    [Fact]
    public void Encode_DistinctValues_GiveDistinctBytes_AndEqualValuesEqualBytes()
    {
        long equalPairs = 0, distinctPairs = 0;

        CanonicalModels.Tree(maxDepth: 2).Array[30].Sample(models =>
        {
            var values = models.Select(CanonicalValue.From).ToArray();
            var encodings = values.Select(v => v.Encode()).ToArray();
            for (var i = 0; i < models.Length; i++)
            {
                for (var j = i + 1; j < models.Length; j++)
                {
                    var same = CanonicalModels.Same(models[i], models[j]);
                    Assert.True(same == encodings[i].AsSpan().SequenceEqual(encodings[j]), $"{values[i]} and {values[j]}: model equal {same}");
                    Assert.Equal(same, values[i].Equals(values[j]));
                    Interlocked.Increment(ref same ? ref equalPairs : ref distinctPairs);
                }
            }
        }, iter: 300);

        Assert.True(equalPairs > 1_000, $"only {equalPairs} equal pairs were tried");
        Assert.True(distinctPairs > 10_000, $"only {distinctPairs} distinct pairs were tried");
    }

    /// <summary>
    /// The decoder accepts canonical bytes only: any edit of an encoding (a changed, inserted or removed byte) is
    /// either refused or decodes to a value whose encoding is exactly the edited bytes.
    /// </summary>
    [Fact]
    public void Decode_AnEditedEncoding_IsRefusedOrIsTheEncodingOfWhatItDecodesTo() =>
        Gen.Select(CanonicalModels.Tree(), Gen.Int[0, 2], Gen.Int[0, int.MaxValue], Gen.Byte).Sample((model, edit, where, b) =>
        {
            var bytes = CanonicalValue.From(model).Encode().ToList();
            var at = where % (bytes.Count + 1);
            switch (edit)
            {
                case 0 when at < bytes.Count:
                    bytes[at] = bytes[at] == b ? (byte)(b ^ 0x01) : b;
                    break;
                case 1:
                    bytes.Insert(at, b);
                    break;
                default:
                    bytes.RemoveAt(Math.Min(at, bytes.Count - 1));
                    break;
            }

            if (CanonicalEncoding.TryDecode(bytes.ToArray(), out var value, out _))
            {
                Assert.Equal(bytes.ToArray(), value.Encode());
            }
        }, iter: 5_000);
}
