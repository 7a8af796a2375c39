using Parquet;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Shards;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Shards;

/// <summary>Shards written side by side, merged, and trained on, against the same run on the images.</summary>
public sealed class FeatureShardsTests : IDisposable
{
    private static readonly BackboneSpec Backbone = new BackboneSpec(BackboneCatalog.ResNet18Layer3) { InputSize = new(64, 64) };
    private readonly TempFolder _folder = TestImages.NewFolder();

    public FeatureShardsTests()
    {
        TestImages.CopyAssets(_folder.Combine("data"), classes: 2, perClass: 25);
        _folder.Write("data/" + Path.GetFileName(Directory.GetDirectories(_folder.Combine("data"))[0]) + "/broken.jpg", [0xFF, 0xD8, 0xFF, 1, 2, 3]);
    }

    public void Dispose() => _folder.Dispose();

    private Task<ShardSummary[]> WriteShardsAsync(int count, string output, BackboneSpec? backbone = null) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(k => FeatureShards.WriteAsync(
            _folder.Combine("data"), backbone ?? Backbone, new Shard(k, count), _folder.Combine(output), new FeaturizerOptions())));

    [Fact]
    public async Task Shards_written_side_by_side_cover_the_folder_once_and_train_to_the_report_of_the_images()
    {
        var summaries = await WriteShardsAsync(3, "features");
        var shards = await FeatureShardSet.ReadAsync(_folder.Combine("features"));

        Assert.Equal(51, summaries.Sum(s => s.Owned));
        Assert.Equal(50, shards.Count);
        Assert.Equal(3, shards.ShardCount);
        Assert.Equal("broken.jpg", Path.GetFileName(Assert.Single(shards.Skipped).Path));
        Assert.Equal(new ImageSize(64, 64), shards.InputSize);

        var head = new HeadOptions { Epochs = 5, Seed = 3 };
        var fromImages = await new TransferClassifierBuilder().WithImages(_folder.Combine("data")).WithFeaturizer(o => new(o) { CacheDirectory = null })
            .WithBackbone(Backbone).WithHead(head).WithSplit(SplitRatios.Default, seed: 7).TrainAsync();
        var fromShards = await new TransferClassifierBuilder().WithFeatures(shards).WithHead(head).WithSplit(SplitRatios.Default, seed: 7).TrainAsync();
        using var a = fromImages.Classifier;
        using var b = fromShards.Classifier;

        SameJson.Equal(fromImages.Report.Counts, fromShards.Report.Counts);
        Assert.Equal(fromImages.Report.Test!.Accuracy, fromShards.Report.Test!.Accuracy);
        Assert.Equal(fromImages.Report.History.Select(h => h.TrainLoss), fromShards.Report.History.Select(h => h.TrainLoss), (x, y) => Math.Abs(x - y) < 1e-5);
    }

    [Fact]
    public async Task The_files_are_plain_parquet_with_the_documented_columns_and_metadata()
    {
        var summary = (await WriteShardsAsync(1, "features"))[0];

        await using var reader = await ParquetReader.CreateAsync(summary.Path);

        Assert.Equal(["path", "label", "sha256", "features"], reader.Schema.Fields.Select(f => f.Name));
        Assert.Equal("resnet18-layer3", reader.CustomMetadata["transferlearning.backbone"]);
        Assert.Equal("64x64", reader.CustomMetadata["transferlearning.input_size"]);
        Assert.Contains("broken.jpg", reader.CustomMetadata["transferlearning.skipped"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_shard_is_refused_by_number()
    {
        await WriteShardsAsync(3, "features");
        File.Delete(_folder.Combine("features", "part-1-of-3.parquet"));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => FeatureShardSet.ReadAsync(_folder.Combine("features")));

        Assert.Contains("lacks shard 1 of 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shards_of_two_shardings_or_two_sizes_are_refused()
    {
        await WriteShardsAsync(2, "mixed");
        await FeatureShards.WriteAsync(_folder.Combine("data"), Backbone, new Shard(0, 3), _folder.Combine("mixed"));
        var sizes = _folder.Combine("sizes");
        await FeatureShards.WriteAsync(_folder.Combine("data"), Backbone, new Shard(0, 2), sizes);
        await FeatureShards.WriteAsync(_folder.Combine("data"), new BackboneSpec(Backbone) { InputSize = new(96, 96) }, new Shard(1, 2), sizes);

        Assert.Contains("mixes shardings", (await Assert.ThrowsAsync<InvalidDataException>(() => FeatureShardSet.ReadAsync(_folder.Combine("mixed")))).Message, StringComparison.Ordinal);
        Assert.Contains("different runs", (await Assert.ThrowsAsync<InvalidDataException>(() => FeatureShardSet.ReadAsync(sizes))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shard_copied_under_a_second_name_and_a_folder_without_shards_are_refused()
    {
        await WriteShardsAsync(2, "features");
        File.Copy(_folder.Combine("features", "part-1-of-2.parquet"), _folder.Combine("features", "part-01-of-2.parquet"));
        Directory.CreateDirectory(_folder.Combine("empty"));

        Assert.Contains("twice", (await Assert.ThrowsAsync<InvalidDataException>(() => FeatureShardSet.ReadAsync(_folder.Combine("features")))).Message, StringComparison.Ordinal);
        Assert.Contains("no shard files", (await Assert.ThrowsAsync<InvalidDataException>(() => FeatureShardSet.ReadAsync(_folder.Combine("empty")))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Features_do_not_mix_with_what_needs_images_and_images_given_later_replace_them()
    {
        await WriteShardsAsync(1, "features");
        var shards = await FeatureShardSet.ReadAsync(_folder.Combine("features"));
        TransferClassifierBuilder Builder() => new TransferClassifierBuilder().WithFeatures(shards);

        Assert.Throws<InvalidOperationException>(() => Builder().WithFeaturizer(o => new(o) { HorizontalFlip = true }).Build());
        Assert.Contains("WithInt8", Assert.Throws<InvalidOperationException>(() => Builder().WithInt8().Build()).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => Builder().WithTestImages(_folder.Combine("data")).Build());
        Assert.Throws<InvalidOperationException>(() => Builder().BuildExperiment([Backbone]));
        Assert.Throws<InvalidOperationException>(() => new TransferClassifierBuilder().WithImages(_folder.Combine("data")).WithTestFeatures(shards).Build());
        var replaced = Builder().WithImages(_folder.Combine("data")).WithFeaturizer(o => new(o) { CacheDirectory = null }).BuildExperiment([Backbone]);
        Assert.NotNull(replaced);
    }

    [Fact]
    public async Task An_unwritable_output_folder_fails_before_any_image_is_read()
    {
        var blocker = _folder.Write("not-a-folder", [1]);

        var error = await Assert.ThrowsAsync<IOException>(() => FeatureShards.WriteAsync(_folder.Combine("data"), Backbone, Shard.Whole, Path.Combine(blocker, "out")));

        Assert.Contains("Cannot write the shard file", error.Message, StringComparison.Ordinal);
    }
}
