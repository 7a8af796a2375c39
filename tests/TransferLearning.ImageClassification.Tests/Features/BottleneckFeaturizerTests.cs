using SkiaSharp;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Features;

public class BottleneckFeaturizerTests
{
    private static string[] RealImages(TempFolder folder, int classes = 2, int perClass = 6)
    {
        TestImages.CopyAssets(folder.Combine("images"), classes, perClass);
        return Directory.GetFiles(folder.Combine("images"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
    }

    private static BottleneckFeaturizer Create(TempFolder folder, bool flip = false, int batchSize = 4) =>
        BottleneckFeaturizer.Create(BackboneCatalog.ResNet18, new FeaturizerOptions
        {
            CacheDirectory = folder.Combine("cache"),
            BatchSize = batchSize,
            HorizontalFlip = flip,
        });

    [Fact]
    public async Task A_second_run_over_the_same_images_computes_nothing()
    {
        using var folder = TestImages.NewFolder();
        var paths = RealImages(folder);
        using var featurizer = Create(folder);

        var first = await featurizer.FeaturizeAsync(paths);
        var second = await featurizer.FeaturizeAsync(paths);

        Assert.Equal((paths.Length, 0), (first.Computed, first.FromCache));
        Assert.Equal((0, paths.Length), (second.Computed, second.FromCache));
        Assert.Equal(first.Features, second.Features);
        Assert.All(first.Features, f => Assert.Equal(512, f!.Length));
    }

    [Fact]
    public void The_cache_is_keyed_by_the_preprocessing_version_so_no_feature_of_0_4_0_s_resizing_is_reused()
    {
        using var folder = TestImages.NewFolder();
        using var featurizer = Create(folder);

        var fingerprint = File.ReadAllText(Path.Combine(featurizer.Cache!.Root, "fingerprint.txt"));

        Assert.Contains($"|pixels={ImageClassification.Preprocessing.ImagePreprocessor.Version}@skia3.119|", fingerprint);
    }

    [Fact]
    public async Task A_corrupt_cache_entry_is_recomputed()
    {
        using var folder = TestImages.NewFolder();
        var paths = RealImages(folder);
        using var featurizer = Create(folder);
        var first = await featurizer.FeaturizeAsync(paths);
        var entry = featurizer.Cache!.EntryPath(FeatureCache.KeyOf(File.ReadAllBytes(paths[3])));
        File.WriteAllBytes(entry, File.ReadAllBytes(entry)[..100]);

        var second = await featurizer.FeaturizeAsync(paths);

        Assert.Equal((1, paths.Length - 1), (second.Computed, second.FromCache));
        Assert.Equal(1, featurizer.Cache.CorruptEntries);
        Assert.Equal(first.Features[3], second.Features[3]);
    }

    [Fact]
    public async Task Undecodable_files_are_skipped_with_a_reason_and_the_rest_featurized()
    {
        using var folder = TestImages.NewFolder();
        var good = RealImages(folder, classes: 1, perClass: 3);
        var jpeg = TestImages.Encode(SKEncodedImageFormat.Jpeg, 300, 300);
        string[] broken =
        [
            folder.Write("bad/not-an-image.png", "hello, world"u8.ToArray()),
            folder.Write("bad/empty.jpg", []),
            folder.Write("bad/truncated.jpg", jpeg[..(jpeg.Length / 3)]),
        ];
        var missing = folder.Combine("bad/missing.png");
        string[] paths = [good[0], broken[0], good[1], broken[1], broken[2], missing, good[2]];
        using var featurizer = Create(folder);

        var result = await featurizer.FeaturizeAsync(paths);

        Assert.Equal([.. broken, missing], result.Skipped.Select(s => s.Path));
        Assert.All(result.Skipped, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
        Assert.Contains("truncated", result.Skipped[2].Reason);
        Assert.Equal([true, false, true, false, false, false, true], result.Features.Select(f => f is not null));
        Assert.Equal(3, result.Computed);
    }

    [Fact]
    public async Task Cancelling_stops_the_run_and_leaves_only_valid_cache_entries()
    {
        using var folder = TestImages.NewFolder();
        var paths = RealImages(folder, classes: 2, perClass: 12);
        using var cancel = new CancellationTokenSource();
        using var featurizer = Create(folder, batchSize: 2);
        var progress = new SynchronousProgress<FeaturizationProgress>(p => { if (p.Done >= 4) cancel.Cancel(); });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => featurizer.FeaturizeAsync(paths, progress, cancel.Token));

        var resumed = await featurizer.FeaturizeAsync(paths);
        Assert.InRange(resumed.FromCache, 4, paths.Length - 1);
        Assert.Equal(paths.Length, resumed.Computed + resumed.FromCache);
        Assert.Equal(0, featurizer.Cache!.CorruptEntries);
        Assert.Empty(Directory.GetFiles(featurizer.Cache.Root, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Progress_counts_up_to_the_total()
    {
        using var folder = TestImages.NewFolder();
        var paths = RealImages(folder, classes: 1, perClass: 5);
        var reports = new List<FeaturizationProgress>();
        using var featurizer = Create(folder);

        await featurizer.FeaturizeAsync(paths, new SynchronousProgress<FeaturizationProgress>(reports.Add));

        Assert.Equal(paths.Length, reports.Count);
        Assert.Equal(paths.Length, reports.Max(r => r.Done));
        Assert.All(reports, r => Assert.Equal(paths.Length, r.Total));
    }

    [Fact]
    public async Task Mirror_view_features_are_those_of_the_flipped_image()
    {
        using var folder = TestImages.NewFolder();
        var image = TestImages.Encode(SKEncodedImageFormat.Png, 224, 224, seed: 3);
        using var bitmap = SKBitmap.Decode(image);
        using var flipped = new SKBitmap(bitmap.Info);
        using (var canvas = new SKCanvas(flipped))
        {
            canvas.Scale(-1, 1, 112, 0);
            canvas.DrawBitmap(bitmap, 0, 0);
        }
        var original = folder.Write("a.png", image);
        var mirror = folder.Write("b.png", flipped.Encode(SKEncodedImageFormat.Png, 100).ToArray());
        using var featurizer = Create(folder, flip: true);

        var result = await featurizer.FeaturizeAsync([original, mirror]);

        Assert.NotNull(result.MirroredFeatures);
        Assert.NotEqual(result.Features[0], result.MirroredFeatures[0]);
        Assert.All(result.MirroredFeatures[0]!.Zip(result.Features[1]!), p => Assert.Equal(p.First, p.Second, 1e-3));
    }

    [Fact]
    public async Task Encoded_images_get_the_vectors_files_get_one_per_image_even_with_mirror_views()
    {
        using var folder = TestImages.NewFolder();
        var paths = RealImages(folder, perClass: 2);
        using var featurizer = Create(folder, flip: true);

        var fromFiles = await featurizer.FeaturizeAsync(paths);
        var fromBytes = featurizer.FeaturizeEncoded([.. paths.Select(File.ReadAllBytes)]);

        Assert.All(fromBytes, f => Assert.Equal(featurizer.FeatureSize, f.Length));
        Assert.Equal(fromFiles.Features, fromBytes);
    }

    [Fact]
    public async Task Several_backbones_in_one_pass_give_what_each_gives_alone_and_share_the_skips()
    {
        using var folder = TestImages.NewFolder();
        var paths = RealImages(folder, perClass: 3).Append(folder.Write("broken.png", "not an image"u8.ToArray())).ToArray();
        using var warm = Create(folder);
        await warm.FeaturizeAsync(paths[..2]); // this backbone finds two images in its cache
        using var small = BottleneckFeaturizer.Create(new BackboneSpec(BackboneCatalog.ResNet18) { InputSize = new(160, 160) }, new FeaturizerOptions { BatchSize = 3 });
        using var flipped = Create(folder, flip: true, batchSize: 5);

        var together = await BottleneckFeaturizer.FeaturizeManyAsync([warm, small, flipped], paths);

        Assert.Equal((paths.Length - 3, 2), (together[0].Computed, together[0].FromCache));
        foreach (var (featurizer, result) in new[] { warm, small, flipped }.Zip(together))
        {
            using var single = BottleneckFeaturizer.Create(featurizer.Backbone, new FeaturizerOptions { HorizontalFlip = featurizer.Views == 2 });
            var alone = await single.FeaturizeAsync(paths);
            Assert.Equal(["broken.png"], result.Skipped.Select(s => Path.GetFileName(s.Path)));
            Assert.Equal(alone.Features.Count, result.Features.Count);
            Assert.All(alone.Features.Zip(result.Features), p => AssertClose(p.First, p.Second));
            Assert.Equal(featurizer.Views == 2, result.MirroredFeatures is not null);
        }
    }

    private static void AssertClose(float[]? expected, float[]? actual)
    {
        if (expected is null) { Assert.Null(actual); return; }
        // Batches of other sizes may sum in another order: equal to float rounding.
        Assert.All(expected.Zip(actual!), p => Assert.Equal(p.First, p.Second, 1e-3 * Math.Max(1, Math.Abs(p.First))));
    }

    [Fact]
    public async Task Without_a_cache_two_runs_give_the_same_features_to_the_bit()
    {
        using var folder = TestImages.NewFolder();
        var paths = RealImages(folder, perClass: 7);
        using var featurizer = BottleneckFeaturizer.Create(BackboneCatalog.ResNet18, new FeaturizerOptions { BatchSize = 4, DecodeThreads = 4 });

        var first = await featurizer.FeaturizeAsync(paths);
        var second = await featurizer.FeaturizeAsync(paths);

        Assert.Equal(first.Features, second.Features);
    }

    [Fact]
    public void A_large_input_size_logs_an_estimate_of_the_memory_it_needs()
    {
        var logger = new ListLogger();

        using var featurizer = BottleneckFeaturizer.Create(new BackboneSpec(BackboneCatalog.ResNet18Layer3) { InputSize = new(640, 640) }, new FeaturizerOptions { BatchSize = 32 }, logger);

        var warning = Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Message;
        Assert.Contains("640x640 at batch size 32", warning);
        Assert.Contains("roughly 2.6 GB", warning);
    }

    [Fact]
    public void An_input_size_outside_the_documented_range_is_refused_before_the_backbone_loads()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BottleneckFeaturizer.Create(new BackboneSpec(BackboneCatalog.ResNet18) { InputSize = new(100000, 100000) }));

        Assert.Contains("100000x100000 is outside 32..1024", error.Message);
    }
}
