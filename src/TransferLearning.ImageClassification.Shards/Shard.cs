using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TransferLearning.ImageClassification.Shards;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (0-based, as Kubernetes' JOB_COMPLETION_INDEX): the images whose
/// relative path hashes to it. N processes or machines given 0/N … N−1/N cover a folder exactly once, without
/// talking
/// to each other, and an image keeps its shard when others are added.
/// </summary>
public sealed class Shard
{
    /// <summary>Creates shard <paramref name="index"/> of <paramref name="count"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">count &lt; 1, or index outside 0 … count − 1.</exception>
    public Shard(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        (Index, Count) = (index, count);
    }

    /// <summary>The whole folder as one shard.</summary>
    public static Shard Whole { get; } = new(0, 1);

    /// <summary>This shard's number, 0 … <see cref="Count"/> − 1.</summary>
    public int Index { get; }

    /// <summary>How many shards the folder is cut into.</summary>
    public int Count { get; }

    /// <summary>The shard's file name in a feature folder: part-K-of-N.parquet.</summary>
    public string FileName => $"part-{Index}-of-{Count}.parquet";

    /// <summary>Reads "K/N", e.g. "3/8".</summary>
    /// <exception cref="FormatException">Not two whole numbers with 0 ≤ K &lt; N.</exception>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count >= 1 && index < count)
            return new Shard(index, count);
        throw new FormatException($"A shard is K/N with 0 <= K < N, e.g. 0/4 (got '{text}').");
    }

    /// <summary>Whether this shard owns the image at <paramref name="relativePath"/> ('/'-separated, as stored in shard
    /// files).</summary>
    internal bool Owns(string relativePath) => (int)(StableHash(relativePath) % (ulong)Count) == Index;

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";

    // SHA-256 rather than string.GetHashCode: the same on every machine, runtime and process.
    private static ulong StableHash(string relativePath) =>
        BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(relativePath)));
}
