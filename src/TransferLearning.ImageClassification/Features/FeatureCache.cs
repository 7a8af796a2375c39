using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace TransferLearning.ImageClassification.Features;

/// <summary>
/// On-disk bottleneck cache: one small file per image, keyed by the SHA-256 of the image bytes, in a folder keyed by
/// everything that shapes the features (backbone file, input size, normalisation, feature node).
/// Entries are written to a temporary file and renamed, so a killed or cancelled run never leaves a half entry;
/// each entry carries a checksum, so a damaged one is detected, deleted and recomputed instead of trusted.
/// Feature maps for fine-tuning are stored as float16 (half the disk and reading time).
/// </summary>
internal sealed class FeatureCache
{
    private readonly bool _half;
    private ReadOnlySpan<byte> Magic => _half ? "TLH1"u8 : "TLF1"u8;
    private int ElementSize => _half ? 2 : sizeof(float);
    private const int HeaderLength = 8;
    private const int ChecksumLength = 32;
    private int _corruptEntries;

    /// <summary>Opens (creating if needed) the cache for one feature <paramref name="fingerprint"/> under
    /// <paramref name="directory"/>; <paramref name="half"/> stores values as float16.</summary>
    public FeatureCache(string directory, string fingerprint, bool half = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _half = half;
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint)))[..16];
        Root = Path.Combine(directory, id);
        Directory.CreateDirectory(Root);
        var description = Path.Combine(Root, "fingerprint.txt");
        if (!File.Exists(description)) File.WriteAllText(description, fingerprint + Environment.NewLine);
    }

    /// <summary>Folder holding this fingerprint's entries.</summary>
    public string Root { get; }

    /// <summary>Entries found damaged (and deleted) since this instance was created.</summary>
    public int CorruptEntries => _corruptEntries;

    /// <summary>The cache key of an image: SHA-256 of its bytes, lower-case hex.</summary>
    public static string KeyOf(ReadOnlySpan<byte> imageBytes) => Convert.ToHexStringLower(SHA256.HashData(imageBytes));

    /// <summary>Reads the features stored under <paramref name="key"/>, if a complete, undamaged entry of the right
    /// size exists.</summary>
    public bool TryGet(string key, int featureSize, out float[] features)
    {
        features = new float[featureSize];
        if (TryRead(key, features)) return true;
        features = [];
        return false;
    }

    /// <summary>As <see cref="TryGet"/>, into <paramref name="destination"/> (the entry's size), through a pooled
    /// buffer: fine-tuning reads every map entry once per epoch, and fresh arrays of that size would pile up as
    /// large-object garbage.</summary>
    public bool TryRead(string key, Span<float> destination)
    {
        var path = EntryPath(key);
        var length = HeaderLength + destination.Length * ElementSize + ChecksumLength;
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            try
            {
                using var file = File.OpenHandle(path);
                if (RandomAccess.GetLength(file) != length || RandomAccess.Read(file, bytes.AsSpan(0, length), 0) != length)
                    return Damaged(path);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return false;
            }
            if (!IsValid(bytes.AsSpan(0, length), destination.Length)) return Damaged(path);
            var payload = bytes.AsSpan(HeaderLength, destination.Length * ElementSize);
            if (_half)
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(payload), destination);
            else MemoryMarshal.Cast<byte, float>(payload).CopyTo(destination);
            return true;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private bool Damaged(string path)
    {
        Interlocked.Increment(ref _corruptEntries);
        File.Delete(path);
        return false;
    }

    /// <summary>Stores <paramref name="features"/> under <paramref name="key"/> atomically.</summary>
    public void Put(string key, ReadOnlySpan<float> features)
    {
        var halves = _half ? new Half[features.Length] : null;
        if (halves is not null) System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(features, halves);
        var payload = halves is null ? MemoryMarshal.AsBytes(features) : MemoryMarshal.AsBytes(halves.AsSpan());
        var bytes = new byte[HeaderLength + payload.Length + ChecksumLength];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), features.Length);
        payload.CopyTo(bytes.AsSpan(HeaderLength));
        SHA256.HashData(bytes.AsSpan(0, HeaderLength + payload.Length), bytes.AsSpan(HeaderLength + payload.Length));

        var path = EntryPath(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    internal string EntryPath(string key) => Path.Combine(Root, key[..2], key + ".bin");

    private bool IsValid(ReadOnlySpan<byte> bytes, int featureSize)
    {
        var payloadEnd = HeaderLength + featureSize * ElementSize;
        if (bytes.Length != payloadEnd + ChecksumLength || !bytes[..4].SequenceEqual(Magic)
            || BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]) != featureSize)
            return false;
        return SHA256.HashData(bytes[..payloadEnd]).AsSpan().SequenceEqual(bytes[payloadEnd..]);
    }
}
