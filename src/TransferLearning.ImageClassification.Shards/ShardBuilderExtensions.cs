using TransferLearning.ImageClassification.Backbones;

namespace TransferLearning.ImageClassification.Shards;

/// <summary>Training on shard files: <see cref="TransferClassifierBuilder"/> methods that take a
/// <see cref="FeatureShardSet"/>.</summary>
public static class ShardBuilderExtensions
{
    /// <summary>
    /// Trains on features already computed into shard files (<see cref="FeatureShards.WriteAsync"/>) instead of
    /// images: the same split for the same seed, and the same report, as
    /// <see cref="TransferClassifierBuilder.WithImages(string)"/> on the folder the shards were made from. The backbone
    /// is the shards' catalogue entry at their input size (for another backbone, call
    /// <see cref="TransferClassifierBuilder.WithBackbone(BackboneSpec)"/> after this); the classifier still needs its
    /// file to predict, and training refuses a backbone whose file, size, normalisation or cut differ from the shards'.
    /// </summary>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static TransferClassifierBuilder WithFeatures(this TransferClassifierBuilder builder, FeatureShardSet shards)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(shards);
        return builder.WithFeatures(shards.ToPrecomputed());
    }

    /// <summary>Test features from shard files of a separate test folder, made like those of
    /// <see cref="WithFeatures"/>.</summary>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static TransferClassifierBuilder WithTestFeatures(
        this TransferClassifierBuilder builder, FeatureShardSet shards)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(shards);
        return builder.WithTestFeatures(shards.ToPrecomputed());
    }
}
