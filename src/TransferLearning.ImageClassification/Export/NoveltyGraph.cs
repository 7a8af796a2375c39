using Onnx;
using TransferLearning.ImageClassification.Novelty;
using static TransferLearning.ImageClassification.Backbones.OnnxNodes;

namespace TransferLearning.ImageClassification.Export;

/// <summary>
/// <see cref="NoveltyDetector.ScoreMean"/> as ONNX operators on the pooled features [views·N, D]: (unit length,)
/// z = x·Lᵀ (MatMul), squared distance to each class centre (Sub, Mul, ReduceSum), the nearest (ReduceMin), per
/// feature (Div), made finite as the library makes it (NaN and overflow become the largest float), and averaged over
/// the image and its mirror image.
/// </summary>
internal static class NoveltyGraph
{
    public const string OutputName = "novelty";

    public static void Append(GraphProto graph, string features, NoveltyDetector detector, int views)
    {
        var (d, k) = (detector.FeatureSize, detector.ClassCount);
        var (axis1, largest) = (Int64s(graph, "axis1", 1), Scalar(graph, "largest", float.MaxValue));
        var x = features;
        if (detector.Space == NoveltySpace.Normalized)
        {
            var norm = Add(graph, "ReduceL2", [x, axis1], "novelty/norm", Int("keepdims", 1));
            // A zero vector stays zero, as in the library: 0 divided by the smallest normal float.
            var safe = Add(graph, "Max", [norm, Scalar(graph, "tiny", float.Epsilon * (1 << 23))], "novelty/norm_safe");
            x = Add(graph, "Div", [x, safe], "novelty/unit");
        }
        var transposed = new float[d * d];
        var whitening = detector.Whitening;
        for (var i = 0; i < d; i++)
            for (var j = 0; j <= i; j++) transposed[j * d + i] = whitening[i * d + j];
        var z = Add(graph, "MatMul", [x, Floats(graph, "whitening_t", [d, d], transposed)], "novelty/whitened");
        z = Add(graph, "Unsqueeze", [z, axis1], "novelty/whitened_3d");
        var difference = Add(graph, "Sub", [z, Floats(graph, "centres", [k, d], detector.Centres.ToArray())],
            "novelty/difference");
        var squares = Add(graph, "Mul", [difference, difference], "novelty/squares");
        var distances = Add(graph, "ReduceSum", [squares, Int64s(graph, "axis2", 2)], "novelty/distances",
            Int("keepdims", 0));
        var nearest = Add(graph, "ReduceMin", [distances, axis1], "novelty/nearest", Int("keepdims", 0));
        var score = Add(graph, "Div", [nearest, Scalar(graph, "features", d)], "novelty/per_feature");
        // Finite for any input, as in the library: NaN and overflow become the largest float.
        var nan = Add(graph, "IsNaN", [score], "novelty/is_nan");
        score = Add(graph, "Where", [nan, largest, score], "novelty/not_nan");
        score = Add(graph, "Min", [score, largest], views == 2 ? "novelty/views" : OutputName);
        if (views == 2)
        {
            // Rows are [images; mirror images]: average the two halves, as the library does, and cap the mean again.
            var split = Add(graph, "Reshape", [score, Int64s(graph, "by_view", 2, -1)], "novelty/by_view");
            var mean = Add(graph, "ReduceMean", [split, Int64s(graph, "axis0", 0)], "novelty/mean",
                Int("keepdims", 0));
            Add(graph, "Min", [mean, largest], OutputName);
        }
        graph.Output.Add(OnnxExporter.Value(OutputName, TensorProto.Types.DataType.Float, "N"));
    }

    private static string Scalar(GraphProto graph, string name, float value) =>
        Floats(graph, name, [], [value]);

    private static string Floats(GraphProto graph, string name, long[] dims, float[] values) =>
        Constant(graph, "const/novelty/" + name, TensorProto.Types.DataType.Float, dims,
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));

    private static string Int64s(GraphProto graph, string name, params long[] values) =>
        Constant(graph, "const/novelty/" + name, TensorProto.Types.DataType.Int64, [values.Length],
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
}
