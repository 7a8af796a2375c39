using System.Reflection;
using System.Text.Json;
using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Shards;

/// <summary>
/// What a shard file says about how its features were made, in the Parquet footer's key-value metadata: enough to
/// refuse mixing shards from different backbones, sizes or library versions, and the images it skipped, with reasons.
/// </summary>
internal sealed record ShardMetadata(
    Shard Shard, string Backbone, string BackboneSha256, string InputSize, string Normalization, string Pooling,
    int FeatureSize, string Fingerprint, string LibraryVersion, IReadOnlyList<SkippedImage> Skipped)
{
    private const string Prefix = "transferlearning.";

    /// <summary>This library's version, as written into every shard.</summary>
    public static string CurrentLibraryVersion { get; } =
        typeof(ShardMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "unknown";

    public Dictionary<string, string> ToDictionary() => new()
    {
        [Prefix + "shard"] = Shard.ToString(),
        [Prefix + "backbone"] = Backbone,
        [Prefix + "backbone_sha256"] = BackboneSha256,
        [Prefix + "input_size"] = InputSize,
        [Prefix + "normalization"] = Normalization,
        [Prefix + "pooling"] = Pooling,
        [Prefix + "feature_size"] = FeatureSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [Prefix + "fingerprint"] = Fingerprint,
        [Prefix + "library_version"] = LibraryVersion,
        // Paths relative to the data folder, '/'-separated, like the path column.
        [Prefix + "skipped"] = JsonSerializer.Serialize(Skipped.Select(s => new[] { s.Path, s.Reason })),
    };

    /// <exception cref="InvalidDataException">A key is missing or unreadable; the message names
    /// <paramref name="file"/>.</exception>
    public static ShardMetadata FromDictionary(IReadOnlyDictionary<string, string> values, string file)
    {
        string Get(string key) => values.TryGetValue(Prefix + key, out var value)
            ? value
            : throw new InvalidDataException($"Shard file '{file}' lacks its '{Prefix + key}' metadata: it was not " +
                "written by FeatureShards.WriteAsync.");
        try
        {
            var skipped = JsonSerializer.Deserialize<string[][]>(Get("skipped")) ?? [];
            return new ShardMetadata(
                Shard.Parse(Get("shard")), Get("backbone"), Get("backbone_sha256"), Get("input_size"),
                Get("normalization"), Get("pooling"),
                int.Parse(Get("feature_size"), System.Globalization.CultureInfo.InvariantCulture), Get("fingerprint"),
                Get("library_version"),
                skipped.Select(s => s is [var path, var reason] ? new SkippedImage(path, reason)
                    : throw new FormatException("a skipped entry is not [path, reason]")).ToArray());
        }
        catch (Exception e) when (e is FormatException or JsonException or OverflowException)
        {
            throw new InvalidDataException($"Shard file '{file}' has unreadable metadata: {e.Message}", e);
        }
    }
}
