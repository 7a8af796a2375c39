using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>
/// Checks a backbone's cut on its own graph: one random image goes through the original network, with the tensor
/// the cut pools exposed as an extra output, and through the rewritten feature extractor; the features must be those
/// values pooled as <see cref="BackboneSpec.Pooling"/> says. Run it on any new or downloaded backbone.
/// </summary>
internal static class BackboneVerifier
{
    /// <summary>The largest difference between the rewritten features and the original graph's pooled values, relative
    /// to max(1, |value|).</summary>
    /// <param name="spec">The backbone; its file must be present (downloaded by <c>ModelStore.EnsureAsync</c>).</param>
    /// <param name="modelDirectory">Folder of downloaded backbones (default: <c>$TRANSFER_LEARNING_MODELS</c> or the
    /// user cache).</param>
    /// <param name="seed">Seed of the random image.</param>
    public static double MaxDifference(BackboneSpec spec, string? modelDirectory = null, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var runner = BackboneRunner.Load(spec, modelDirectory: modelDirectory);
        var random = new Random(seed);
        var image = Enumerable.Range(0, 3 * spec.InputSize.Area).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        var features = runner.Run(image, 1);
        var expected = Pool(OriginalValues(spec, BackboneFile.PathOf(spec, modelDirectory), image), spec.Pooling);
        if (expected.Length != features.Length)
            throw new InvalidDataException($"Backbone '{spec.Name}': the original graph pools to {expected.Length} " +
                $"values, the rewrite gives {features.Length}.");
        return expected.Zip(features, (e, f) => Math.Abs(e - f) / Math.Max(1, Math.Abs(e))).Max();
    }

    /// <summary>The values and shape of the tensor the rewrite pools, computed by the original graph.</summary>
    private static (float[] Values, long[] Shape) OriginalValues(BackboneSpec spec, string path, float[] image)
    {
        var bytes = File.ReadAllBytes(path);
        var rewrite = OnnxGraphRewriter.ToFeatureExtractor(bytes, spec);
        var model = ModelProto.Parser.ParseFrom(bytes);
        // Catalogue sizes may differ from the exported one (inceptionv3: exported at 224, listed at its native 299).
        OnnxGraphRewriter.FreeInputSize(model.Graph, spec);
        model.Graph.Output.Add(new ValueInfoProto { Name = rewrite.PooledTensor });
        using var session = new InferenceSession(model.ToByteArray());
        long[] shape = spec.Layout == Preprocessing.TensorLayout.Nchw
            ? [1, 3, spec.InputSize.Height, spec.InputSize.Width]
            : [1, spec.InputSize.Height, spec.InputSize.Width, 3];
        using var input = OrtValue.CreateTensorValueFromMemory(image, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [rewrite.InputName], [input], [rewrite.PooledTensor]);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[0].GetTensorTypeAndShape().Shape);
    }

    /// <summary>Global pooling of an [1, C, H, W] map (or the values as they are for a flat [1, F] tensor or no
    /// pooling).</summary>
    private static float[] Pool((float[] Values, long[] Shape) tensor, FeaturePooling pooling)
    {
        if (tensor.Shape.Length != 4 || pooling == FeaturePooling.None) return tensor.Values;
        var (channels, area) = ((int)tensor.Shape[1], (int)(tensor.Shape[2] * tensor.Shape[3]));
        var maps = Enumerable.Range(0, channels).Select(c => tensor.Values.AsSpan(c * area, area).ToArray()).ToArray();
        var average = maps.Select(m => (float)m.Average(v => (double)v));
        var maximum = maps.Select(m => m.Max());
        return pooling switch
        {
            FeaturePooling.GlobalMax => [.. maximum],
            FeaturePooling.GlobalAverageAndMax => [.. average, .. maximum],
            _ => [.. average],
        };
    }
}
