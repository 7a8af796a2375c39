using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Onnx;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>
/// Weights that replace some of a backbone file's float initializers: what fine-tuning changed. A fine-tuned backbone
/// is the published file (pinned by its SHA-256) plus these, so a model file carries only the changed tensors and every
/// reader of the backbone (featurizer, int8, export) applies them in one place, <see cref="BackboneRunner.ReadModel"/>.
/// </summary>
internal sealed class BackboneWeights
{
    private static ReadOnlySpan<byte> Magic => "TLW1"u8;
    private const int MaxNameBytes = 4096;
    private const int MaxTensors = 100_000;

    /// <summary>Largest stored form read: 256 MiB, above every catalogue backbone's convolutions (VGG16's are 59 MB;
    /// ResNet101 v2's whole network 170 MB), so that a hostile file costs at most that.</summary>
    public const long MaxStoredBytes = 256L << 20;
    private const int MaxRank = 8;
    private readonly (string Name, long[] Dims, float[] Values)[] _tensors;

    /// <exception cref="ArgumentException">A name repeats, or a tensor's values do not fill its shape.</exception>
    public BackboneWeights(IEnumerable<(string Name, long[] Dims, float[] Values)> tensors)
    {
        _tensors = [.. tensors.OrderBy(t => t.Name, StringComparer.Ordinal)];
        if (_tensors.Length == 0) throw new ArgumentException("No weights given.", nameof(tensors));
        if (_tensors.Select(t => t.Name).Distinct(StringComparer.Ordinal).Count() != _tensors.Length)
            throw new ArgumentException("A weight is named twice.", nameof(tensors));
        if (_tensors.FirstOrDefault(t => t.Dims.Aggregate(1L, (a, d) => a * d) != t.Values.Length) is
            { Name: not null } bad)
            throw new ArgumentException($"Weight '{bad.Name}' has {bad.Values.Length} values for shape " +
                $"[{string.Join(", ", bad.Dims)}].", nameof(tensors));
        // Hashed as written, without a second copy in memory.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var hashing = new HashingStream(hash)) Write(hashing);
        Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The weights of <paramref name="earlier"/> that <paramref name="later"/> does not replace, and
    /// <paramref name="later"/>'s: a backbone fine-tuned twice keeps what both runs trained.</summary>
    public static BackboneWeights Merge(BackboneWeights? earlier, BackboneWeights later) =>
        earlier is null ? later
        : new([.. earlier._tensors.Where(t => !later._tensors.Any(n => n.Name == t.Name)), .. later._tensors]);

    /// <summary>SHA-256 of the stored form: which fine-tuned backbone this is (part of the feature-cache key).</summary>
    public string Sha256 { get; }

    /// <summary>How many tensors are replaced.</summary>
    public int Count => _tensors.Length;

    /// <summary>How many weights are replaced.</summary>
    public long Values => _tensors.Sum(t => (long)t.Values.Length);

    /// <summary>The replaced tensors, by name.</summary>
    public IEnumerable<(string Name, long[] Dims, float[] Values)> Tensors => _tensors;

    /// <summary><paramref name="model"/> with these weights in place of its initializers of the same names; nothing else
    /// changes.</summary>
    /// <exception cref="InvalidDataException">The graph has no float initializer of that name and shape.</exception>
    public byte[] Apply(byte[] model)
    {
        var proto = ModelProto.Parser.ParseFrom(model);
        var initializers = proto.Graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var (name, dims, values) in _tensors)
        {
            if (!initializers.TryGetValue(name, out var initializer)
                || initializer.DataType != (int)TensorProto.Types.DataType.Float
                || !initializer.Dims.SequenceEqual(dims))
                throw new InvalidDataException($"the fine-tuned weight '{name}' [{string.Join(", ", dims)}] is not a " +
                    "float initializer of that shape in the backbone's graph: it was tuned from another backbone");
            initializer.FloatData.Clear();
            initializer.DataLocation = TensorProto.Types.DataLocation.Default;
            initializer.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        return proto.ToByteArray();
    }

    /// <summary>Writes the stored form: magic, count, then per tensor its name, shape and little-endian
    /// float32 values.</summary>
    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(_tensors.Length);
        foreach (var (name, dims, values) in _tensors)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            writer.Write(bytes.Length);
            writer.Write(bytes);
            writer.Write(dims.Length);
            foreach (var d in dims) writer.Write(d);
            writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    /// <summary>Reads the stored form of exactly <paramref name="length"/> bytes, trusting nothing: every size is checked
    /// against the bytes left before anything is allocated from it.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a stored form; the message says why.</exception>
    public static BackboneWeights Read(Stream stream, long length)
    {
        if (length > MaxStoredBytes)
            throw new InvalidDataException($"the fine-tuned weights say they hold {length} bytes; the limit is {MaxStoredBytes}");
        var left = length;
        var word = new byte[8];
        int Int32()
        {
            Take(4, word.AsSpan(0, 4));
            return BinaryPrimitives.ReadInt32LittleEndian(word);
        }
        void Take(long count, Span<byte> destination)
        {
            if (count > left) throw new InvalidDataException("the fine-tuned weights end early");
            stream.ReadExactly(destination[..(int)count]);
            left -= count;
        }
        Take(4, word.AsSpan(0, 4));
        if (!word.AsSpan(0, 4).SequenceEqual(Magic)) throw new InvalidDataException("the fine-tuned weights have no TLW1 header");
        var count = Int32();
        if (count < 1 || count > MaxTensors || count > left / 16)
            throw new InvalidDataException($"the fine-tuned weights say {count} tensors");
        var tensors = new List<(string, long[], float[])>(); // grows only as tensors are really read
        for (var t = 0; t < count; t++)
        {
            var nameLength = Int32();
            if (nameLength is < 1 or > MaxNameBytes) throw new InvalidDataException("a fine-tuned weight's name is too long");
            var name = new byte[nameLength];
            Take(nameLength, name);
            var rank = Int32();
            if (rank is < 0 or > MaxRank) throw new InvalidDataException($"a fine-tuned weight has rank {rank}");
            var dims = new long[rank];
            var size = 1L;
            for (var d = 0; d < rank; d++)
            {
                Take(8, word);
                dims[d] = BinaryPrimitives.ReadInt64LittleEndian(word);
                if (dims[d] < 1 || dims[d] > left || (size *= dims[d]) * sizeof(float) > left)
                    throw new InvalidDataException(
                        $"fine-tuned weight '{Encoding.UTF8.GetString(name)}' is larger than the bytes left");
            }
            var values = new float[size];
            Take(size * sizeof(float), MemoryMarshal.AsBytes(values.AsSpan()));
            if (Array.FindIndex(values, v => !float.IsFinite(v)) is var bad and >= 0)
                throw new InvalidDataException(
                    $"fine-tuned weight '{Encoding.UTF8.GetString(name)}' holds a non-finite value at {bad}");
            tensors.Add((Encoding.UTF8.GetString(name), dims, values));
        }
        if (left != 0) throw new InvalidDataException($"the fine-tuned weights have {left} bytes too many");
        try
        {
            return new BackboneWeights(tensors);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <summary>A write-only stream that feeds a hash.</summary>
    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);
    }
}
