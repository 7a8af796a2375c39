using System.Runtime.InteropServices;
using Onnx;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>
/// A backbone's pixel normalisation as ONNX nodes, for graphs that take 0..255 RGB: planes reordered, then
/// <c>(x · scale − mean) · (1 / std)</c> in the order <see cref="ImagePreprocessor"/> computes it, so the graph and
/// the
/// library give the same input to the network.
/// </summary>
internal static class NormalizationGraph
{
    /// <summary>Appends the nodes after <paramref name="pixels"/> (float, in the backbone's layout); returns the
    /// normalised tensor.</summary>
    /// <param name="graph">The graph to append to.</param>
    /// <param name="pixels">0..255 RGB values, [N, 3, H, W] or [N, H, W, 3] as the backbone's layout says.</param>
    /// <param name="preprocessor">The library's preprocessor for the backbone, whose constants the nodes use.</param>
    /// <param name="spec">The backbone (its layout and input size).</param>
    /// <param name="prefix">Prefix of the new tensors' names.</param>
    /// <param name="constantPrefix">Prefix of the new constants' names.</param>
    public static string Append(GraphProto graph, string pixels, ImagePreprocessor preprocessor, BackboneSpec spec,
        string prefix, string constantPrefix)
    {
        var nchw = spec.Layout == TensorLayout.Nchw;
        var (height, width) = (spec.InputSize.Height, spec.InputSize.Width);
        var (sourceChannel, scale, mean, inverseStd) = preprocessor.Constants;
        long[] planes = [.. sourceChannel.Select(c => (long)c)];
        var x = OnnxNodes.Add(graph, "Gather", [pixels, OnnxNodes.Constant(graph, constantPrefix + "planes",
            TensorProto.Types.DataType.Int64, [3], MemoryMarshal.AsBytes(planes.AsSpan()))],
            prefix + "planes", OnnxNodes.Int("axis", nchw ? 1 : 3));
        x = OnnxNodes.Add(graph, "Mul", [x, Floats(constantPrefix + "scale", [], [scale])], prefix + "scaled");
        x = OnnxNodes.Add(graph, "Sub", [x, Floats(constantPrefix + "mean", nchw ? [1, 3, height, width]
            : [1, height, width, 3], nchw ? mean : Interleave(mean))], prefix + "centred");
        return OnnxNodes.Add(graph, "Mul", [x, Floats(constantPrefix + "inverse_std", nchw ? [1, 3, 1, 1]
            : [1, 1, 1, 3], inverseStd)], prefix + "normalized");

        string Floats(string name, long[] dims, float[] values) =>
            OnnxNodes.Constant(
                graph, name, TensorProto.Types.DataType.Float, dims, MemoryMarshal.AsBytes(values.AsSpan()));
    }

    /// <summary>Planar [3, H·W] values as interleaved [H·W, 3], for NHWC graphs.</summary>
    private static float[] Interleave(float[] planar)
    {
        var area = planar.Length / 3;
        var interleaved = new float[planar.Length];
        for (var c = 0; c < 3; c++)
            for (var i = 0; i < area; i++) interleaved[i * 3 + c] = planar[c * area + i];
        return interleaved;
    }
}
