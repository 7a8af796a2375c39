using Onnx;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>
/// Where a feature map's cells sit over the network's input: cell j's receptive field is centred on input pixel
/// <c>Stride·j + Offset</c> along each axis. Strided layers with one-sided or uneven padding put ResNet's cells up to
/// half a cell away from an evenly spread grid, enough to draw a heatmap beside the object it points at.
/// </summary>
internal sealed record MapGrid(double StrideX, double OffsetX, double StrideY, double OffsetY)
{
    // Layers that keep each position where it is (elementwise, normalisation, joins of equally placed branches).
    private static readonly HashSet<string> InPlace =
    [
        "Relu", "LeakyRelu", "PRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Elu", "Selu", "Gelu",
        "Erf",
        "BatchNormalization", "InstanceNormalization", "LRN", "Add", "Sub", "Mul", "Div", "Sum", "Max", "Min", "Concat",
        "Identity", "Dropout", "Cast", "Transpose", "QuantizeLinear", "DequantizeLinear",
    ];

    private static readonly HashSet<string> Windows = ["Conv", "MaxPool", "AveragePool"];

    /// <summary>
    /// Follows <paramref name="map"/> back to <paramref name="input"/> through convolutions, pools and in-place layers;
    /// null when the path holds anything else (a resize, a pad, a reshape), for which an even spread is the fair guess.
    /// </summary>
    public static MapGrid? Of(GraphProto graph, string map, string input)
    {
        var producers = OnnxNodes.Producers(graph);
        var initializers = graph.Initializer.ToDictionary(i => i.Name);
        var path = new List<NodeProto>();
        for (var tensor = map; tensor != input;)
        {
            if (!producers.TryGetValue(tensor, out var node)
                || !(InPlace.Contains(node.OpType) || Windows.Contains(node.OpType) || ChannelGather(node)))
                return null;
            path.Add(node);
            // The data input: the first one computed from the image (not a weight or a constant).
            tensor = node.Input.FirstOrDefault(i => i == input || producers.TryGetValue(i, out var p)
                && p.OpType != "Constant") ?? "";
            if (tensor.Length == 0 || path.Count > 10_000) return null;
        }

        var (x, y) = ((Stride: 1.0, Offset: 0.0), (Stride: 1.0, Offset: 0.0));
        foreach (var node in Enumerable.Reverse(path).Where(n => Windows.Contains(n.OpType)))
        {
            if (Window(node, initializers) is not { } window) return null;
            // Output cell i covers inputs s·i − p_begin .. s·i − p_begin + d·(k − 1): centred at s·i + d·(k
            // − 1)/2 − p_begin.
            y = (y.Stride * window.Strides[0],
                y.Offset + y.Stride * (window.Dilations[0] * (window.Kernel[0] - 1) / 2.0 - window.PadBegin[0]));
            x = (x.Stride * window.Strides[1],
                x.Offset + x.Stride * (window.Dilations[1] * (window.Kernel[1] - 1) / 2.0 - window.PadBegin[1]));
        }
        return new MapGrid(x.Stride, x.Offset, y.Stride, y.Offset);
    }

    /// <summary>A Gather along NCHW's channel axis reorders planes (RGB to BGR), not positions.</summary>
    private static bool ChannelGather(NodeProto node) =>
        node.OpType == "Gather" && node.Attribute.FirstOrDefault(a => a.Name == "axis")?.I == 1;

    private sealed record WindowShape(long[] Kernel, long[] Strides, long[] Dilations, double[] PadBegin);

    /// <summary>A 2-D convolution's or pool's kernel, strides, dilations and leading padding (height, width); null if
    /// not 2-D.</summary>
    private static WindowShape? Window(NodeProto node, Dictionary<string, TensorProto> initializers)
    {
        long[] Ints(string name, params long[] fallback) =>
            node.Attribute.FirstOrDefault(a => a.Name == name) is { Ints.Count: > 0 } a ? [.. a.Ints] : fallback;
        var kernel = node.Attribute.FirstOrDefault(a => a.Name == "kernel_shape") is { Ints.Count: 2 } k ? [.. k.Ints]
            : node.OpType == "Conv" && node.Input.Count > 1 && initializers.TryGetValue(node.Input[1], out var w)
                && w.Dims.Count == 4 ? new[] { w.Dims[2], w.Dims[3] }
            : null;
        var (strides, dilations, pads) = (Ints("strides", 1, 1), Ints("dilations", 1, 1), Ints("pads", 0, 0, 0, 0));
        if (kernel is null || strides.Length != 2 || dilations.Length != 2 || pads.Length != 4) return null;
        var autoPad = node.Attribute.FirstOrDefault(a => a.Name == "auto_pad")?.S.ToStringUtf8() ?? "NOTSET";
        var padBegin = new double[2];
        for (var axis = 0; axis < 2; axis++)
        {
            // SAME pads to keep ceil(n / s) outputs; for an input divisible by the stride the total is d·(k − 1) + 1
            // − s.
            var total = Math.Max(dilations[axis] * (kernel[axis] - 1) + 1 - strides[axis], 0);
            padBegin[axis] = autoPad switch
            {
                "SAME_UPPER" => total / 2,
                "SAME_LOWER" => total - total / 2,
                "VALID" => 0,
                _ => pads[axis],
            };
        }
        return new WindowShape(kernel, strides, dilations, padBegin);
    }
}
