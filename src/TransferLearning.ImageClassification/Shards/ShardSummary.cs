using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Shards;

/// <summary>What <see cref="FeatureShards.WriteAsync"/> wrote.</summary>
/// <param name="Path">The shard file.</param>
/// <param name="Owned">Images of the folder this shard owns.</param>
/// <param name="Written">Rows written: the owned images that could be used.</param>
/// <param name="Skipped">Owned images left out, with paths relative to the data folder and the reason.</param>
/// <param name="Computed">Images run through the backbone.</param>
/// <param name="FromCache">Images whose features came from the feature cache.</param>
/// <param name="Elapsed">Featurizing time.</param>
public sealed record ShardSummary(
    string Path, int Owned, int Written, IReadOnlyList<SkippedImage> Skipped, int Computed, int FromCache, TimeSpan Elapsed);
