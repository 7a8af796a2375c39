using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TransferLearning.ImageClassification.IO;

/// <summary>
/// Writes reports (training, evaluation and experiment results) as indented camelCase JSON, never half-written: to a
/// temporary file beside the target, then renamed over it. NaN and infinite numbers are written as null.
/// </summary>
public static class JsonReport
{
    /// <summary>The serializer settings used (web defaults, indented, non-finite numbers as null); read-only, as they
    /// are shared.</summary>
    public static JsonSerializerOptions Options { get; } = ReadOnly(new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new FiniteOrNull<double>(), new FiniteOrNull<float>() },
    });

    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Serialises <paramref name="report"/> to <paramref name="path"/>, replacing it only once the whole file
    /// is written.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static Task WriteAsync<T>(string path, T report, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return AtomicFile.WriteAsync(path,
            stream => JsonSerializer.SerializeAsync(stream, report, Options, cancellationToken), cancellationToken);
    }

    /// <summary>JSON has no NaN: a number that is not finite is written as null (and read back as NaN), never an
    /// exception.</summary>
    private sealed class FiniteOrNull<T> : JsonConverter<T> where T : struct, IFloatingPointIeee754<T>
    {
        public override bool HandleNull => true;

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? T.NaN
            : typeof(T) == typeof(float) ? T.CreateTruncating(reader.GetSingle())
            : T.CreateTruncating(reader.GetDouble());

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (!T.IsFinite(value)) writer.WriteNullValue();
            else if (typeof(T) == typeof(float)) writer.WriteNumberValue(float.CreateTruncating(value));
            else writer.WriteNumberValue(double.CreateTruncating(value));
        }
    }
}
