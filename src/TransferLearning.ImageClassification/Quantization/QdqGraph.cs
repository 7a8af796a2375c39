using Onnx;
using TransferLearning.ImageClassification.Backbones;

namespace TransferLearning.ImageClassification.Quantization;

/// <summary>
/// Static int8 quantization in ONNX's QDQ form, the layout ONNX Runtime fuses into integer kernels on x86
/// (<c>QLinearConv</c>, <c>QLinearAdd</c>, <c>QLinearConcat</c>, uint8 <c>MaxPool</c>): every activation around a
/// convolution, residual add, concat or pool passes QuantizeLinear → DequantizeLinear (uint8, asymmetric, from
/// calibrated ranges), weights are stored int8 (symmetric, per output channel) behind a DequantizeLinear, biases int32.
/// Only the part of the graph that computes the feature map is quantized; the pooled features stay float.
/// </summary>
internal static class QdqGraph
{
    /// <summary>The opset of the quantized graph: the first with per-axis QuantizeLinear and
    /// DequantizeLinear.</summary>
    public const int Opset = 13;

    private static readonly HashSet<string> Quantized = ["Conv", "Add", "MaxPool", "AveragePool", "Concat"];

    // A uint8 range whose floor is the activation's floor applies it already: the Q after the producer clamps.
    private static readonly HashSet<string> Absorbed = ["Relu", "Clip"];

    /// <summary>The float graph quantization starts from, and calibrates on: opset 13, batch normalisations
    /// folded.</summary>
    public static ModelProto Prepare(byte[] model, string backbone)
    {
        var proto = ModelProto.Parser.ParseFrom(model);
        OpsetUpgrade.To(proto, Opset, backbone, "int8 quantization");
        BatchNormFolding.Fold(proto.Graph);
        return proto;
    }

    /// <summary>
    /// The activation tensors to quantize, in graph order: those around the quantized operators that compute
    /// <paramref name="map"/>, named as in <paramref name="prepared"/> (where calibration measures them).
    /// </summary>
    public static IReadOnlyList<string> Tensors(ModelProto prepared, string map)
    {
        // The nodes and the scalars (a Clip's bounds): cloning the graph would copy every weight.
        var graph = new GraphProto { Input = { prepared.Graph.Input }, Output = { prepared.Graph.Output } };
        graph.Node.AddRange(prepared.Graph.Node.Select(n => n.Clone()));
        graph.Initializer.AddRange(prepared.Graph.Initializer.Select(i => i.Dims.Aggregate(1L, (a, b) => a * b) <= 1 ? i
            : new TensorProto { Name = i.Name }));
        Absorb(graph, map);
        return Plan(graph, map).Tensors;
    }

    /// <summary>The quantized graph of <paramref name="prepared"/> (not changed), with the ranges of
    /// <paramref name="calibration"/>.</summary>
    /// <exception cref="InvalidDataException">The calibration lacks a range the graph needs: it was made for another
    /// backbone.</exception>
    public static ModelProto Build(ModelProto prepared, string map, Int8Calibration calibration)
    {
        var model = prepared.Clone();
        var graph = model.Graph;
        Absorb(graph, map);
        var (tensors, nodes) = Plan(graph, map);
        var parameters = new Dictionary<string, (float Scale, byte ZeroPoint)>();
        foreach (var tensor in tensors)
        {
            if (!calibration.Ranges.TryGetValue(tensor, out var range))
                throw new InvalidDataException($"The int8 calibration has no range for tensor '{tensor}': it was " +
                    "made for another backbone or cut.");
            parameters[tensor] = QuantizationMath.Asymmetric(range.Min, range.Max);
        }
        // ONNX Runtime runs MaxPool on uint8 only when its input and output share scale and zero point.
        foreach (var pool in nodes.Where(n => n.OpType == "MaxPool"))
            parameters[pool.Output[0]] = parameters[pool.Input[0]];

        var initializers = graph.Initializer.ToDictionary(i => i.Name);
        var inputScales = nodes.Where(n => n.OpType == "Conv")
            .ToDictionary<NodeProto, NodeProto, float>(n => n, n => parameters[n.Input[0]].Scale,
                ReferenceEqualityComparer.Instance); // before inputs are renamed
        var ordered = new List<NodeProto>();
        foreach (var input in graph.Input.Where(i => parameters.ContainsKey(i.Name)))
            ordered.AddRange(QuantizeGraphInput(graph, input.Name, parameters[input.Name]));
        foreach (var node in graph.Node.ToArray())
        {
            if (inputScales.TryGetValue(node, out var inputScale))
                ordered.AddRange(QuantizeWeights(graph, node, initializers, inputScale, calibration));
            ordered.Add(node);
            for (var o = 0; o < node.Output.Count; o++)
                if (parameters.TryGetValue(node.Output[o], out var p))
                    ordered.AddRange(QuantizeOutput(graph, node, o, p));
        }
        graph.Node.Clear();
        graph.Node.AddRange(ordered);
        OnnxNodes.RemoveUnusedInitializers(graph);
        return model;
    }

    /// <summary>Removes each ReLU or Clip whose range the uint8 quantization after its producer applies
    /// anyway.</summary>
    private static void Absorb(GraphProto graph, string map)
    {
        var producers = OnnxNodes.Producers(graph);
        var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (i, n))).ToLookup(p => p.i, p => p.n);
        var outputs = graph.Output.Select(o => o.Name).ToHashSet();
        var needed = Ancestors(graph, map);
        foreach (var activation in graph.Node.Where(n => Absorbed.Contains(n.OpType) && needed.Contains(n)).ToArray())
        {
            var (input, output) = (activation.Input[0], activation.Output[0]);
            if (!producers.TryGetValue(input, out var producer) || consumers[input].Count() != 1
                || outputs.Contains(input)) continue;
            if (activation.OpType == "Clip" && !FloorAtOrBelowZero(activation, graph))
                continue; // the range always holds 0: a floor above it would be lost
            // Only where a QuantizeLinear will follow: after a quantized operator, or before quantized operators only.
            var quantizedAfter = needed.Contains(producer) && Quantized.Contains(producer.OpType)
                || consumers[output].Any()
                    && consumers[output].All(c => needed.Contains(c) && Quantized.Contains(c.OpType));
            if (!quantizedAfter) continue;
            producer.Output[producer.Output.IndexOf(input)] = output;
            producers[output] = producer; // a second activation in a row now follows the producer
            graph.Node.Remove(activation);
        }
    }

    /// <summary>Whether a Clip's minimum (an input from opset 11 on) is absent or at most 0.</summary>
    private static bool FloorAtOrBelowZero(NodeProto clip, GraphProto graph)
    {
        if (clip.Input.Count < 2 || clip.Input[1].Length == 0) return true;
        var minimum = graph.Initializer.FirstOrDefault(i => i.Name == clip.Input[1]);
        return minimum is not null && OnnxTensors.Floats(minimum) is [<= 0f];
    }

    /// <summary>The tensors to quantize and the nodes whose weights to quantize (the quantized operators computing the
    /// map).</summary>
    private static (List<string> Tensors, HashSet<NodeProto> Nodes) Plan(GraphProto graph, string map)
    {
        var constants = graph.Initializer.Select(i => i.Name)
            .Concat(graph.Node.Where(n => n.OpType == "Constant").SelectMany(n => n.Output)).ToHashSet();
        var needed = Ancestors(graph, map);
        var nodes = graph.Node.Where(n => needed.Contains(n) && Quantized.Contains(n.OpType))
            .ToHashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var tensors = new List<string>();
        var seen = new HashSet<string>();
        foreach (var node in graph.Node.Where(nodes.Contains))
        {
            var inputs = node.OpType is "Add" or "Concat" ? node.Input : node.Input.Take(1);
            foreach (var tensor in inputs.Append(node.Output[0]).Where(t => !constants.Contains(t) && seen.Add(t)))
                tensors.Add(tensor);
        }
        return (tensors, nodes);
    }

    private static HashSet<NodeProto> Ancestors(GraphProto graph, string tensor)
    {
        var producers = OnnxNodes.Producers(graph);
        // By reference: protobuf messages hash by content, and the quantizer renames nodes' inputs and outputs.
        var found = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<string>([tensor]);
        while (pending.TryPop(out var name))
            if (producers.TryGetValue(name, out var node) && found.Add(node))
                foreach (var input in node.Input) pending.Push(input);
        return found;
    }

    /// <summary>QuantizeLinear → DequantizeLinear on a producer's output; the DequantizeLinear keeps the tensor's
    /// name for its readers.</summary>
    private static NodeProto[] QuantizeOutput(
        GraphProto graph, NodeProto producer, int output, (float Scale, byte ZeroPoint) p)
    {
        var tensor = producer.Output[output];
        producer.Output[output] = tensor + "/float";
        return QuantizeDequantize(graph, tensor + "/float", tensor, tensor, p);
    }

    /// <summary>The same for a graph input (the image): its readers switch to the DequantizeLinear's output.</summary>
    private static NodeProto[] QuantizeGraphInput(GraphProto graph, string input, (float Scale, byte ZeroPoint) p)
    {
        foreach (var node in graph.Node)
            for (var i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == input) node.Input[i] = input + "/dequantized";
        return QuantizeDequantize(graph, input, input + "/dequantized", input, p);
    }

    private static NodeProto[] QuantizeDequantize(
        GraphProto graph, string from, string to, string name, (float Scale, byte ZeroPoint) p)
    {
        graph.Initializer.Add(OnnxTensors.Float(name + "/scale", [], [p.Scale]));
        graph.Initializer.Add(OnnxTensors.UInt8(name + "/zero_point", [], [p.ZeroPoint]));
        return
        [
            Node("QuantizeLinear", [from, name + "/scale", name + "/zero_point"], name + "/quantized"),
            Node("DequantizeLinear", [name + "/quantized", name + "/scale", name + "/zero_point"], to),
        ];
    }

    /// <summary>int8 weights (per output channel unless the calibration says otherwise) and int32 bias behind
    /// DequantizeLinear nodes.</summary>
    private static NodeProto[] QuantizeWeights(GraphProto graph, NodeProto conv,
        Dictionary<string, TensorProto> initializers, float inputScale, Int8Calibration calibration)
    {
        if (!initializers.TryGetValue(conv.Input[1], out var weightTensor))
            throw new NotSupportedException($"Convolution '{conv.Name}' takes computed weights; only weights stored " +
                "in the graph can be quantized.");
        var weights = OnnxTensors.Floats(weightTensor);
        var channels = (int)weightTensor.Dims[0];
        var perChannel = weights.Length / channels;
        var limit = calibration.ReduceRange ? 63 : 127;
        var scales = new float[calibration.PerChannelWeights ? channels : 1];
        for (var c = 0; c < channels; c++)
        {
            var maxAbs = 0f;
            foreach (var w in weights.AsSpan(c * perChannel, perChannel)) maxAbs = Math.Max(maxAbs, Math.Abs(w));
            var at = calibration.PerChannelWeights ? c : 0;
            scales[at] = Math.Max(scales[at], maxAbs);
        }
        for (var i = 0; i < scales.Length; i++)
            scales[i] = QuantizationMath.Symmetric(scales[i], calibration.ReduceRange);
        var quantized = new sbyte[weights.Length];
        for (var i = 0; i < weights.Length; i++)
            quantized[i] = QuantizationMath.QuantizeWeight(weights[i], scales[i / perChannel % scales.Length], limit);

        var name = conv.Output[0] + "/conv";
        long[] axisDims = scales.Length == 1 ? [] : [channels];
        graph.Initializer.Add(OnnxTensors.Int8(name + "/weight_quantized", [.. weightTensor.Dims], quantized));
        graph.Initializer.Add(OnnxTensors.Float(name + "/weight_scale", axisDims, scales));
        graph.Initializer.Add(OnnxTensors.Int8(name + "/weight_zero_point", axisDims, new sbyte[scales.Length]));
        var nodes = new List<NodeProto> { Node("DequantizeLinear", [name + "/weight_quantized", name + "/weight_scale",
            name + "/weight_zero_point"], name + "/weight", Axis(scales)) };
        conv.Input[1] = name + "/weight";
        if (conv.Input.Count > 2 && initializers.TryGetValue(conv.Input[2], out var biasTensor))
        {
            var bias = OnnxTensors.Floats(biasTensor);
            var biasScales = new float[scales.Length];
            for (var i = 0; i < scales.Length; i++) biasScales[i] = inputScale * scales[i];
            var quantizedBias = new int[bias.Length];
            for (var c = 0; c < bias.Length; c++)
                quantizedBias[c] = QuantizationMath.QuantizeBias(bias[c], inputScale, scales[c % scales.Length]);
            graph.Initializer.Add(OnnxTensors.Int32(name + "/bias_quantized", [bias.Length], quantizedBias));
            graph.Initializer.Add(OnnxTensors.Float(name + "/bias_scale", axisDims, biasScales));
            graph.Initializer.Add(OnnxTensors.Int32(name + "/bias_zero_point", axisDims, new int[scales.Length]));
            nodes.Add(Node("DequantizeLinear", [name + "/bias_quantized", name + "/bias_scale",
                name + "/bias_zero_point"], name + "/bias", Axis(scales)));
            conv.Input[2] = name + "/bias";
        }
        return [.. nodes];

        static AttributeProto[] Axis(float[] scales) => scales.Length == 1 ? [] : [OnnxNodes.Int("axis", 0)];
    }

    private static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        // Named after the output and the operator: a DequantizeLinear's output keeps the name of the tensor it
        // restores,
        // which is often also its producer's name.
        var node = new NodeProto { OpType = op, Name = $"{output}/{op}", Input = { inputs }, Output = { output } };
        node.Attribute.AddRange(attributes);
        return node;
    }
}
