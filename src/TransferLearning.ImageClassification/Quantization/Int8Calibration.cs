using System.Security.Cryptography;
using System.Text.Json;

namespace TransferLearning.ImageClassification.Quantization;

/// <summary>
/// What an int8 backbone is built from besides the float model: the activation ranges measured on calibration images
/// and the recipe. A few kilobytes; saved in model files, so loading rebuilds the same int8 graph without the images.
/// Make one with <see cref="BackboneQuantizer.CalibrateAsync"/>.
/// </summary>
public sealed class Int8Calibration
{
    internal Int8Calibration(string backboneSha256, CalibrationMethod method, double percentile, int images,
        bool perChannelWeights, bool reduceRange,
        IReadOnlyDictionary<string, (float Min, float Max)> ranges)
    {
        (BackboneSha256, Method, Percentile, Images, PerChannelWeights, ReduceRange, Ranges) =
            (backboneSha256, method, percentile, images, perChannelWeights, reduceRange, ranges);
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(ToJson()))[..16];
    }

    /// <summary>SHA-256 of the float ONNX file calibrated.</summary>
    internal string BackboneSha256 { get; }

    /// <summary>How the ranges were read.</summary>
    internal CalibrationMethod Method { get; }

    /// <summary>The percentile, with <see cref="CalibrationMethod.Percentile"/>.</summary>
    internal double Percentile { get; }

    /// <summary>Images the ranges were measured on (those that decoded).</summary>
    public int Images { get; }

    /// <summary>One weight scale per output channel.</summary>
    internal bool PerChannelWeights { get; }

    /// <summary>7-bit weights (for CPUs without VNNI).</summary>
    public bool ReduceRange { get; }

    /// <summary>A short hash of everything above and the ranges: part of the feature-cache key.</summary>
    internal string Fingerprint { get; }

    /// <summary>Activation tensor → the range its uint8 quantization covers.</summary>
    internal IReadOnlyDictionary<string, (float Min, float Max)> Ranges { get; }

    internal byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new Stored(
        1, BackboneSha256, Method.ToString(), Percentile, Images, PerChannelWeights, ReduceRange,
        Ranges.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new StoredRange(r.Key, r.Value.Min, r.Value.Max))
            .ToArray()), Json);

    /// <exception cref="InvalidDataException">The bytes are not a calibration this version reads.</exception>
    internal static Int8Calibration FromJson(ReadOnlySpan<byte> json)
    {
        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The int8 calibration is not valid JSON: {e.Message}", e);
        }
        if (stored is not { Version: 1, Ranges: { } ranges, BackboneSha256: { } sha256,
            PerChannelWeights: { } perChannel, ReduceRange: { } reduceRange }
            || !Enum.TryParse<CalibrationMethod>(stored.Method, out var method) || !Enum.IsDefined(method)
            || ranges.Any(r => r?.Tensor is null || !float.IsFinite(r.Min) || !float.IsFinite(r.Max) || r.Min > r.Max)
            || ranges.DistinctBy(r => r.Tensor).Count() != ranges.Length)
            throw new InvalidDataException(
                "The int8 calibration is damaged or from a newer version (expected version 1, every field, and one " +
                "finite range per tensor).");
        return new Int8Calibration(sha256, method, stored.Percentile, stored.Images, perChannel, reduceRange,
            ranges.ToDictionary(r => r.Tensor, r => (r.Min, r.Max)));
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Nullable where a missing field must be refused rather than read as false: it would build another graph.
    private sealed record Stored(int Version, string? BackboneSha256, string? Method, double Percentile, int Images,
        bool? PerChannelWeights, bool? ReduceRange, StoredRange[]? Ranges);

    private sealed record StoredRange(string Tensor, float Min, float Max);
}
