using Parquet;
using Parquet.Serialization;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Shards;

/// <summary>
/// Featurizes one shard of an image folder into a Parquet file (columns path, label, sha256, features), so that N
/// processes or machines, each given its own <see cref="Shard"/>, featurize a large folder side by side. Train from the
/// folder of shards with <see cref="FeatureShardSet.ReadAsync"/> and <see cref="ShardBuilderExtensions.WithFeatures"/>;
/// other tools read the files as they are.
/// </summary>
public static class FeatureShards
{
    private const int RowGroupSize = 4096;

    /// <summary>
    /// Featurizes the images of <paramref name="dataFolder"/> (one sub-folder per class) that <paramref name="shard"/>
    /// owns with <paramref name="backbone"/>, and writes <c>outputFolder/part-K-of-N.parquet</c> (atomically: a killed
    /// run
    /// leaves no partial shard; run it again and the feature cache makes it quick). Skipped images are listed, with
    /// their reasons, in the file's metadata.
    /// </summary>
    /// <returns>The path of the shard file and what went into it.</returns>
    /// <exception cref="DatasetException">The data folder is missing or is not one sub-folder per class.</exception>
    /// <exception cref="IOException">The output folder cannot be written; checked before any image is read.</exception>
    public static async Task<ShardSummary> WriteAsync(
        string dataFolder,
        BackboneSpec backbone,
        Shard shard,
        string outputFolder,
        FeaturizerOptions? options = null,
        IProgress<FeaturizationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(shard);
        options ??= new FeaturizerOptions();
        options.Validate();
        var output = Path.Combine(Path.GetFullPath(outputFolder), shard.FileName);
        AtomicFile.CheckWritable(output, "the shard file");

        var dataset = ImageDataset.FromFolder(dataFolder);
        var root = Path.GetFullPath(dataFolder);
        var owned = dataset.Images.Select(i => (Image: i, Relative: PortablePath.Relative(root, i.Path)))
            .Where(i => shard.Owns(i.Relative)).ToArray();

        await options.Models.EnsureAsync(backbone, cancellationToken: cancellationToken).ConfigureAwait(false);
        using var featurizer = BottleneckFeaturizer.Create(
            backbone, new FeaturizerOptions(options) { HorizontalFlip = false });
        var result = await featurizer.FeaturizeAsync(
            owned.Select(i => i.Image.Path).ToArray(), progress, cancellationToken).ConfigureAwait(false);

        var rows = owned.Select((image, k) => (image, k)).Where(r => result.Features[r.k] is not null)
            .Select(r => new ShardRow
        {
            Path = r.image.Relative,
            Label = r.image.Image.Label,
            Sha256 = result.ContentHashes?[r.k] ?? "",
            Features = result.Features[r.k]!,
        }).ToArray();
        var relative = owned.ToDictionary(i => i.Image.Path, i => i.Relative, StringComparer.Ordinal);
        var spec = featurizer.Backbone;
        var metadata = new ShardMetadata(
            shard, spec.Name, featurizer.BackboneSha256, spec.InputSize.ToString(), spec.Normalization.Fingerprint,
            spec.Pooling.ToString(),
            featurizer.FeatureSize, featurizer.Fingerprint, ShardMetadata.CurrentLibraryVersion,
            result.Skipped.Select(s => new SkippedImage(relative.GetValueOrDefault(s.Path, s.Path), s.Reason))
                .ToArray());

        await AtomicFile.WriteAsync(output, stream => ParquetSerializer.SerializeAsync(
            rows, stream, new ParquetOptions { RowGroupSize = RowGroupSize }, metadata.ToDictionary(),
            cancellationToken), cancellationToken).ConfigureAwait(false);
        return new ShardSummary(
            output, owned.Length, rows.Length, metadata.Skipped, result.Computed, result.FromCache, result.Elapsed);
    }
}
