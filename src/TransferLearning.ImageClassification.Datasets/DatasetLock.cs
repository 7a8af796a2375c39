using System.Text.Json;
using System.Text.Json.Serialization;
using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Datasets;

/// <summary>
/// The lock file beside a downloaded dataset: the archive's address, size and SHA-256 as first downloaded, and why it
/// was pinned. Later downloads into the same folder (and mirrors) must give the same bytes.
/// </summary>
internal sealed record DatasetLock(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("pinned")] DateTimeOffset Pinned,
    [property: JsonPropertyName("reason")] string Reason)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static DatasetLock? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var value = JsonSerializer.Deserialize<DatasetLock>(File.ReadAllText(path));
            return value is { Sha256.Length: 64 } ? value : throw new JsonException("no 64-digit sha256");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Dataset lock file '{path}' is unreadable ({e.Message}); delete it to " +
                "pin the next download afresh.", e);
        }
    }

    public void Write(string path) =>
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, Indented));
}
