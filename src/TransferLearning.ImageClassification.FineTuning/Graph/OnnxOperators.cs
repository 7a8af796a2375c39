using Onnx;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferLearning.ImageClassification.FineTuning.Graph;

/// <summary>
/// ONNX operators as TorchSharp operations, with ONNX's semantics (asymmetric pads, ceil mode, BatchNormalization in
/// inference mode), so that a graph's stage gives ONNX Runtime's output and a gradient TorchSharp can follow.
/// </summary>
internal static class OnnxOperators
{
    public static readonly IReadOnlySet<string> Supported = new SortedSet<string>(StringComparer.Ordinal)
    {
        "Add", "AveragePool", "BatchNormalization", "Clip", "Concat", "Conv", "Div", "Dropout", "Flatten", "Gemm",
        "GlobalAveragePool", "GlobalMaxPool", "Identity", "LRN", "MatMul", "MaxPool", "Mul", "Pad", "Relu", "Reshape",
        "Sub", "Sum",
    };

    /// <exception cref="NotSupportedException">The operator is not one fine-tuning can train through; the message names
    /// it and its node.</exception>
    public static void Check(NodeProto node)
    {
        if (!(node.Domain is "" or "ai.onnx" && Supported.Contains(node.OpType)))
            throw new NotSupportedException(
                $"Fine-tuning cannot train through the ONNX operator '{node.OpType}'" +
                $"{(node.Domain is "" or "ai.onnx" ? "" : $" of domain '{node.Domain}'")} (node '{node.Name}'); the " +
                $"operators it can are {string.Join(", ", Supported)}.");
        if (Unmatched(node) is { } form)
            throw new NotSupportedException(
                $"Fine-tuning cannot train through {node.OpType} node '{node.Name}' with {form}, which it does not " +
                "compute as ONNX Runtime does.");
    }

    /// <summary>The forms of a supported operator this translation does not reproduce exactly, refused rather than
    /// approximated.</summary>
    private static string? Unmatched(NodeProto node) => node.OpType switch
    {
        // torch keeps windows that start in the end padding, and ONNX Runtime's averages before opset 19 divide the
        // last window differently: not matched yet.
        "MaxPool" or "AveragePool" when node.Int("ceil_mode", 0) == 1 => "ceil_mode=1",
        "AveragePool" when node.Ints("dilations") is { } d && d.Any(v => v != 1) => "dilations",
        "LRN" when node.Int("size", 1) % 2 == 0 => "an even size (torch centres the window differently)",
        "Reshape" when node.Int("allowzero", 0) == 1 => "allowzero=1",
        "Pad" when node.Input.Count > 3 && node.Input[3].Length > 0 => "an axes input (opset 18)",
        "Add" or "Sub" or "Mul" or "Div" when node.Attribute.Any(a => a.Name is "broadcast" or "axis") =>
            "the broadcast attributes of opset 6 and before",
        _ => null,
    };

    /// <summary>The node's first output from its inputs (null where an optional input is left out).</summary>
    public static Tensor Run(NodeProto node, IReadOnlyList<Tensor?> x) => node.OpType switch
    {
        "Conv" => Conv(node, x[0]!, x[1]!, x.Count > 2 ? x[2] : null),
        "BatchNormalization" => functional.batch_norm(
            x[0]!, x[3]!, x[4]!, x[1], x[2], training: false, eps: node.Float("epsilon", 1e-5f)),
        "Relu" => functional.relu(x[0]!),
        "Clip" => Clip(node, x),
        "Add" => x[0]! + x[1]!,
        "Sum" => x.Skip(1).Aggregate(x[0]!, (sum, next) => sum + next!),
        "Mul" => x[0]! * x[1]!,
        "Sub" => x[0]! - x[1]!,
        "Div" => x[0]! / x[1]!,
        "MaxPool" => Pool(node, x[0]!, max: true),
        "AveragePool" => Pool(node, x[0]!, max: false),
        "GlobalAveragePool" => x[0]!.mean([2L, 3L], keepdim: true),
        "GlobalMaxPool" => x[0]!.amax([2L, 3L], keepdim: true),
        "Concat" => torch.cat([.. x.Select(t => t!)], node.Int("axis", 0)),
        "Gemm" => Gemm(node, x),
        "MatMul" => torch.matmul(x[0]!, x[1]!),
        "Flatten" => Flatten(node, x[0]!),
        "Reshape" => Reshape(x[0]!, x[1]!),
        "LRN" => functional.local_response_norm(x[0]!, node.Int("size", 1), node.Float("alpha", 1e-4f),
            node.Float("beta", 0.75f), node.Float("bias", 1f)),
        "Dropout" or "Identity" => x[0]!,
        "Pad" => Pad(node, x),
        _ => throw new NotSupportedException($"ONNX operator '{node.OpType}' (node '{node.Name}')."),
    };

    private static Tensor Conv(NodeProto node, Tensor input, Tensor weight, Tensor? bias)
    {
        var kernel = weight.shape[2..];
        var strides = node.Ints("strides") ?? [.. kernel.Select(_ => 1L)];
        var dilations = node.Ints("dilations") ?? [.. kernel.Select(_ => 1L)];
        var pads = Pads(node, input, kernel, strides, dilations);
        var (x, symmetric) = Padded(input, pads, 0);
        return functional.conv2d(x, weight, bias, strides, symmetric, dilations, node.Int("group", 1));
    }

    private static Tensor Pool(NodeProto node, Tensor input, bool max)
    {
        var kernel = node.Ints("kernel_shape")!;
        var strides = node.Ints("strides") ?? [.. kernel.Select(_ => 1L)];
        var dilations = node.Ints("dilations") ?? [.. kernel.Select(_ => 1L)];
        var pads = Pads(node, input, kernel, strides, dilations);
        var ceil = node.Int("ceil_mode", 0) == 1;
        if (max)
        {
            // Padded explicitly with −∞, which no window takes as its maximum, whatever the pads' shape.
            var (padded, _) = Padded(input, pads, float.NegativeInfinity, always: true);
            return functional.max_pool2d(padded, kernel, strides, [0, 0], dilations, ceil);
        }
        var includePad = node.Int("count_include_pad", 0) == 1;
        if (IsSymmetric(pads) && pads[0] * 2 <= kernel[0] && pads[1] * 2 <= kernel[1])
            return functional.avg_pool2d(input, kernel, strides, [pads[0], pads[1]], ceil, includePad);
        if (!includePad)
            throw new NotSupportedException(
                $"AveragePool '{node.Name}' has asymmetric pads and count_include_pad=0, which fine-tuning cannot " +
                "match.");
        var (zeroPadded, _) = Padded(input, pads, 0, always: true);
        return functional.avg_pool2d(zeroPadded, kernel, strides, [0, 0], ceil, true);
    }

    /// <summary>ONNX's pads [begin…, end…] for the spatial axes, from the attribute or auto_pad.</summary>
    private static long[] Pads(NodeProto node, Tensor input, long[] kernel, long[] strides, long[] dilations)
    {
        var autoPad = node.Text("auto_pad", "NOTSET");
        if (autoPad is "NOTSET") return node.Ints("pads") ?? new long[kernel.Length * 2];
        if (autoPad is "VALID") return new long[kernel.Length * 2];
        var pads = new long[kernel.Length * 2];
        for (var i = 0; i < kernel.Length; i++)
        {
            var size = input.shape[2 + i];
            var output = (size + strides[i] - 1) / strides[i];
            var total = Math.Max(0, (output - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - size);
            var small = total / 2;
            (pads[i], pads[i + kernel.Length]) =
                autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small);
        }
        return pads;
    }

    private static bool IsSymmetric(long[] pads) => pads[0] == pads[2] && pads[1] == pads[3];

    /// <summary>The input, padded explicitly when the pads are asymmetric (or <paramref name="always"/>), and the
    /// symmetric padding left for the operation itself.</summary>
    private static (Tensor Input, long[] Padding) Padded(Tensor input, long[] pads, double value, bool always = false)
    {
        if (!always && IsSymmetric(pads)) return (input, [pads[0], pads[1]]);
        if (pads.All(p => p == 0)) return (input, [0, 0]);
        // torch pads the last axis first: [left, right, top, bottom]; ONNX lists [top, left, bottom, right].
        return (functional.pad(input, [pads[1], pads[3], pads[0], pads[2]], PaddingModes.Constant, value), [0, 0]);
    }

    private static Tensor Clip(NodeProto node, IReadOnlyList<Tensor?> x)
    {
        // Opset 11 moved min and max from attributes to optional inputs.
        var min = x.Count > 1 && x[1] is { } low ? Scalar(low) : node.Float("min", float.NegativeInfinity);
        var max = x.Count > 2 && x[2] is { } high ? Scalar(high) : node.Float("max", float.PositiveInfinity);
        return torch.clamp(x[0]!, min, max);
    }

    /// <summary>A one-value tensor's value, whatever its float type (the module may have been converted).</summary>
    private static double Scalar(Tensor value) => value.to_type(ScalarType.Float64).item<double>();

    private static Tensor Gemm(NodeProto node, IReadOnlyList<Tensor?> x)
    {
        var a = node.Int("transA", 0) == 1 ? x[0]!.t() : x[0]!;
        var b = node.Int("transB", 0) == 1 ? x[1]!.t() : x[1]!;
        var product = torch.matmul(a, b) * node.Float("alpha", 1f);
        return x.Count > 2 && x[2] is { } c ? product + c * node.Float("beta", 1f) : product;
    }

    private static Tensor Flatten(NodeProto node, Tensor input)
    {
        var axis = node.Int("axis", 1);
        if (axis < 0) axis += input.dim();
        var leading = input.shape[..(int)axis].Aggregate(1L, (p, d) => p * d);
        return input.reshape(leading, -1);
    }

    private static Tensor Reshape(Tensor input, Tensor shape)
    {
        var target = shape.data<long>().ToArray();
        for (var i = 0; i < target.Length; i++)
            if (target[i] == 0) target[i] = input.shape[i]; // ONNX: 0 copies the input's dimension
        return input.reshape(target);
    }

    private static Tensor Pad(NodeProto node, IReadOnlyList<Tensor?> x)
    {
        // Opset 11 moved pads and the value from attributes to inputs.
        var pads = x.Count > 1 && x[1] is { } given ? given.data<long>().ToArray() : node.Ints("pads")!;
        var value = x.Count > 2 && x[2] is { } constant ? Scalar(constant) : node.Float("value", 0f);
        var mode = node.Text("mode", "constant") switch
        {
            "constant" => PaddingModes.Constant,
            "reflect" => PaddingModes.Reflect,
            "edge" => PaddingModes.Replicate,
            var other => throw new NotSupportedException($"Pad '{node.Name}' has mode '{other}'."),
        };
        var rank = pads.Length / 2;
        var torchPads = new List<long>();
        for (var axis = rank - 1; axis >= 0; axis--) torchPads.AddRange([pads[axis], pads[axis + rank]]);
        // torch pads from the last axis and needs no zeros for the leading ones.
        while (torchPads.Count > 2 && torchPads[^1] == 0 && torchPads[^2] == 0)
            torchPads.RemoveRange(torchPads.Count - 2, 2);
        return functional.pad(x[0]!, [.. torchPads], mode, value);
    }
}
