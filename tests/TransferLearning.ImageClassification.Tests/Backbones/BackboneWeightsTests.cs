using Onnx;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Quantization;

namespace TransferLearning.ImageClassification.Tests.Backbones;

/// <summary>A fine-tuned backbone is the published file plus the weights that changed: applied in one place, stored
/// compactly, read back trusting nothing.</summary>
public class BackboneWeightsTests
{
    private static readonly BackboneSpec Published = BackboneCatalog.ResNet18;

    /// <summary>The published ResNet18 with its last BatchNormalization shift moved by <paramref name="shift"/>.</summary>
    private static BackboneWeights Shifted(float shift)
    {
        var (bytes, _) = BackboneRunner.ReadModel(Published, null);
        var graph = ModelProto.Parser.ParseFrom(bytes).Graph;
        var bn = graph.Node.Last(n => n.OpType == "BatchNormalization");
        var initializer = graph.Initializer.Single(i => i.Name == bn.Input[2]);
        var values = OnnxTensors.Floats(initializer).Select(v => v + shift).ToArray();
        return new BackboneWeights([(initializer.Name, [.. initializer.Dims], values)]);
    }

    [Fact]
    public void Applied_weights_replace_only_their_initializers()
    {
        var weights = Shifted(0.5f);
        var (published, _) = BackboneRunner.ReadModel(Published, null);

        var tuned = ModelProto.Parser.ParseFrom(weights.Apply(published)).Graph;
        var original = ModelProto.Parser.ParseFrom(published).Graph;

        var changed = original.Initializer.Zip(tuned.Initializer)
            .Where(p => !OnnxTensors.Floats(p.First).SequenceEqual(OnnxTensors.Floats(p.Second))).Select(p => p.First.Name);
        Assert.Equal([weights.Tensors.Single().Name], changed);
        Assert.Equal(original.Node, tuned.Node);
    }

    [Fact]
    public async Task A_spec_carrying_them_runs_them_and_caches_its_features_apart()
    {
        var tuned = new BackboneSpec(Published) { TunedWeights = Shifted(0.5f) };
        var image = Directory.GetFiles(Support.TestImages.Test, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        using var plain = BottleneckFeaturizer.Create(Published, new FeaturizerOptions { CacheDirectory = null });
        using var shifted = BottleneckFeaturizer.Create(new BackboneSpec(tuned), new FeaturizerOptions { CacheDirectory = null });

        var (before, after) = ((await plain.FeaturizeAsync([image])).Features[0]!, (await shifted.FeaturizeAsync([image])).Features[0]!);

        Assert.NotEqual(before, after);
        Assert.Equal(tuned.FineTunedSha256, shifted.Backbone.FineTunedSha256);
        Assert.NotEqual(plain.Fingerprint, shifted.Fingerprint);
        Assert.Equal(plain.BackboneSha256, shifted.BackboneSha256); // the file is still the published one
    }

    [Fact]
    public void They_round_trip_through_their_stored_form_with_the_same_hash()
    {
        var weights = Shifted(0.25f);
        using var stream = new MemoryStream();
        weights.Write(stream);
        stream.Position = 0;

        var read = BackboneWeights.Read(stream, stream.Length);

        Assert.Equal(weights.Sha256, read.Sha256);
        Assert.Equal(weights.Tensors.Single().Values, read.Tensors.Single().Values);
    }

    [Fact]
    public void A_second_fine_tuning_keeps_what_the_first_trained_outside_its_stage()
    {
        var first = new BackboneWeights([("a", [1], [1f]), ("b", [1], [2f])]);
        var second = new BackboneWeights([("b", [1], [3f]), ("c", [1], [4f])]);

        var merged = BackboneWeights.Merge(first, second);

        Assert.Equal([("a", 1f), ("b", 3f), ("c", 4f)], merged.Tensors.Select(t => (t.Name, t.Values[0])));
        Assert.Same(second, BackboneWeights.Merge(null, second));
    }

    [Fact]
    public void Weights_tuned_from_another_backbone_are_refused_naming_the_tensor()
    {
        var weights = new BackboneWeights([("not_in_resnet18", [2], [1f, 2f])]);

        var error = Assert.Throws<BackboneMismatchException>(
            () => BackboneRunner.ReadModel(new BackboneSpec(Published) { TunedWeights = weights }, null));

        Assert.Contains("'not_in_resnet18' [2]", error.Message);
    }

    public static TheoryData<string, byte[]> Damaged() => new()
    {
        { "no TLW1 header", "XXXX\u0001\0\0\0"u8.ToArray() },
        { "end early", [.. "TLW1"u8, 1, 0, 0, 0, 20, 0, 0, 0, .. new byte[14]] },
        { "larger than the bytes left", [.. "TLW1"u8, 1, 0, 0, 0, 1, 0, 0, 0, (byte)'w', 2, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, .. new byte[16]] },
        { "non-finite", [.. "TLW1"u8, 1, 0, 0, 0, 1, 0, 0, 0, (byte)'w', 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xC0, 0x7F, .. new byte[12]] },
    };

    [Theory]
    [MemberData(nameof(Damaged))]
    public void Damaged_or_hostile_bytes_are_refused_before_anything_large_is_allocated(string reason, byte[] bytes)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => BackboneWeights.Read(new MemoryStream(bytes), bytes.Length));

        Assert.Contains(reason, error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void The_catalogue_s_stage_boundaries_are_tensors_of_resnet18_in_order_before_its_cuts()
    {
        var (bytes, _) = BackboneRunner.ReadModel(Published, null);
        var outputs = ModelProto.Parser.ParseFrom(bytes).Graph.Node.Select(n => n.Output[0]).ToList();

        foreach (var spec in new[] { BackboneCatalog.ResNet18, BackboneCatalog.ResNet18Layer3 })
        {
            var at = spec.StageBoundaries.Select(b => outputs.IndexOf(b)).ToArray();
            Assert.All(at, i => Assert.True(i >= 0));
            Assert.Equal(at.Order(), at);
            Assert.True(at[^1] < outputs.IndexOf(spec.FeatureNode));
        }
    }
}
