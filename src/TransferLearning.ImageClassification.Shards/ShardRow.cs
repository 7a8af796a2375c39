using System.Text.Json.Serialization;

namespace TransferLearning.ImageClassification.Shards;

/// <summary>One image's row in a shard file; the column names are what other tools (DuckDB, Spark, pandas)
/// see.</summary>
internal sealed class ShardRow
{
    [JsonPropertyName("path")] public string Path { get; set; } = "";

    [JsonPropertyName("label")] public string Label { get; set; } = "";

    [JsonPropertyName("sha256")] public string Sha256 { get; set; } = "";

    [JsonPropertyName("features")] public float[] Features { get; set; } = [];
}
