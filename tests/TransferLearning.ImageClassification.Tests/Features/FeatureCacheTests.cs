using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Features;

public class FeatureCacheTests
{
    private static readonly float[] Features = [1.5f, -2f, 3.25f, 0f];

    [Fact]
    public void Stored_features_come_back_unchanged()
    {
        using var folder = TestImages.NewFolder();
        var cache = new FeatureCache(folder.Path, "backbone-a");
        var key = FeatureCache.KeyOf([1, 2, 3]);

        cache.Put(key, Features);

        Assert.True(cache.TryGet(key, Features.Length, out var read));
        Assert.Equal(Features, read);
        Assert.False(cache.TryGet(FeatureCache.KeyOf([4]), Features.Length, out _));
    }

    [Fact]
    public void Different_fingerprints_do_not_share_entries()
    {
        using var folder = TestImages.NewFolder();
        var key = FeatureCache.KeyOf([1]);
        new FeatureCache(folder.Path, "backbone-a").Put(key, Features);

        Assert.False(new FeatureCache(folder.Path, "backbone-b").TryGet(key, Features.Length, out _));
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip-a-bit")]
    [InlineData("wrong-size")]
    public void A_damaged_entry_is_detected_deleted_and_not_trusted(string damage)
    {
        using var folder = TestImages.NewFolder();
        var cache = new FeatureCache(folder.Path, "backbone-a");
        var key = FeatureCache.KeyOf([9]);
        cache.Put(key, Features);
        var path = cache.EntryPath(key);
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncate": File.WriteAllBytes(path, bytes[..^5]); break;
            case "flip-a-bit": bytes[10] ^= 1; File.WriteAllBytes(path, bytes); break;
        }

        var expectedLength = damage == "wrong-size" ? Features.Length + 1 : Features.Length;
        Assert.False(cache.TryGet(key, expectedLength, out _));
        Assert.False(File.Exists(path));
        Assert.Equal(1, cache.CorruptEntries);
    }

    [Fact]
    public void A_float16_cache_keeps_values_to_float16_precision_and_is_not_read_as_float32()
    {
        using var folder = TestImages.NewFolder();
        var half = new FeatureCache(folder.Path, "maps", half: true);
        var key = FeatureCache.KeyOf([7]);
        float[] values = [0.1f, -3.14159f, 1000.5f, 0f];

        half.Put(key, values);

        Assert.Equal(8 + values.Length * 2 + 32, new FileInfo(half.EntryPath(key)).Length);
        Assert.True(half.TryGet(key, values.Length, out var read));
        Assert.All(values.Zip(read), p => Assert.Equal(p.First, p.Second, Math.Abs(p.First) / 1000 + 1e-6));
        Assert.False(new FeatureCache(folder.Path, "maps").TryGet(key, values.Length, out _));
    }
}
