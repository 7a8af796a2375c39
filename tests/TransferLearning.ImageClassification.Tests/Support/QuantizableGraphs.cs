using Google.Protobuf;
using Onnx;

namespace TransferLearning.ImageClassification.Tests.Support;

/// <summary>
/// Small random-weight ONNX classifiers (opset 11, input "x" [1,3,64,64], features "pooled" from a GlobalAveragePool)
/// with the structures int8 quantization must handle: ResNet v1 residual blocks, pre-activation (ResNet v2) blocks,
/// Inception branches joined by Concat, and MobileNet's depthwise convolutions with ReLU6.
/// </summary>
internal sealed class QuantizableGraphs
{
    private readonly GraphProto _graph = new() { Name = "quantizable" };
    private readonly Random _random;
    private int _next;

    private QuantizableGraphs(int seed) => _random = new Random(seed);

    /// <summary>conv → BN → ReLU, then a residual block (conv → BN → ReLU → conv → BN, + identity, ReLU), then a strided one with a 1x1 projection.</summary>
    public static byte[] Residual() => Build(g =>
    {
        var x = g.Relu(g.Norm(g.Conv("x", 3, 16, 3, stride: 2)));
        var branch = g.Norm(g.Conv(g.Relu(g.Norm(g.Conv(x, 16, 16, 3))), 16, 16, 3));
        x = g.Relu(g.Op("Add", [branch, x]));
        var projected = g.Norm(g.Conv(x, 16, 32, 1, stride: 2, pad: 0));
        branch = g.Norm(g.Conv(g.Relu(g.Norm(g.Conv(x, 16, 32, 3, stride: 2))), 32, 32, 3));
        return g.Relu(g.Op("Add", [branch, projected]));
    });

    /// <summary>Pre-activation blocks: BN → ReLU → conv, added to the block's input; the BN after an Add cannot be folded.</summary>
    public static byte[] PreActivation() => Build(g =>
    {
        var x = g.Conv("x", 3, 16, 3, stride: 2);
        for (var block = 0; block < 2; block++)
        {
            var branch = g.Conv(g.Relu(g.Norm(g.Conv(g.Relu(g.Norm(x)), 16, 16, 3))), 16, 16, 3);
            x = g.Op("Add", [branch, x]);
        }
        return g.Relu(g.Norm(x));
    });

    /// <summary>An Inception block: 1x1, 3x3 and max-pool → 1x1 branches joined by Concat, after a strided stem and a max pool.</summary>
    public static byte[] Inception() => Build(g =>
    {
        var x = g.Op("MaxPool", [g.Relu(g.Conv("x", 3, 16, 3, stride: 2, bias: true))], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1));
        var a = g.Relu(g.Conv(x, 16, 8, 1, pad: 0, bias: true));
        var b = g.Relu(g.Conv(g.Relu(g.Conv(x, 16, 8, 1, pad: 0, bias: true)), 8, 12, 3, bias: true));
        var c = g.Relu(g.Conv(g.Op("MaxPool", [x], Ints("kernel_shape", 3, 3), Ints("strides", 1, 1), Ints("pads", 1, 1, 1, 1)), 16, 8, 1, pad: 0, bias: true));
        return g.Op("Concat", [a, b, c], Int("axis", 1));
    });

    /// <summary>MobileNetV2's inverted residual: 1x1 expand → ReLU6, 3x3 depthwise → ReLU6, 1x1 linear projection, + input.</summary>
    public static byte[] Depthwise() => Build(g =>
    {
        var x = g.Clip(g.Norm(g.Conv("x", 3, 8, 3, stride: 2)));
        var expanded = g.Clip(g.Norm(g.Conv(x, 8, 32, 1, pad: 0)));
        var depthwise = g.Clip(g.Norm(g.Conv(expanded, 32, 32, 3, groups: 32)));
        var projected = g.Norm(g.Conv(depthwise, 32, 8, 1, pad: 0));
        return g.Op("Add", [projected, x]);
    });

    /// <summary>Activations in a row (ReLU then ReLU6) and a Clip whose floor is above 0, which no uint8 range can absorb.</summary>
    public static byte[] StackedActivations() => Build(g =>
    {
        var x = g.Clip(g.Relu(g.Conv("x", 3, 16, 3, stride: 2, bias: true)));
        return g.Clip(g.Conv(x, 16, 16, 3, bias: true), floor: 0.5f, ceiling: 4f);
    });

    private static byte[] Build(Func<QuantizableGraphs, string> body)
    {
        var g = new QuantizableGraphs(seed: 7);
        g._graph.Input.Add(Tensor("x", 1, 3, 64, 64));
        var map = body(g);
        g._graph.Node.Add(Node("GlobalAveragePool", [map], "pooled"));
        g._graph.Node.Add(Node("Flatten", ["pooled"], "flat"));
        var features = g.ChannelsOf(map);
        g._graph.Initializer.Add(g.Weights("fc_w", 0.1f, 4, features));
        g._graph.Node.Add(Node("Gemm", ["flat", "fc_w"], "logits", Int("transB", 1)));
        g._graph.Output.Add(Tensor("logits", 1, 4));
        var model = new ModelProto { IrVersion = 6, Graph = g._graph, ProducerName = "tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 11 });
        return model.ToByteArray();
    }

    private readonly Dictionary<string, int> _channels = new() { ["x"] = 3 };

    private int ChannelsOf(string tensor) => _channels[tensor];

    private string Conv(string input, int from, int to, int kernel, int stride = 1, int? pad = null, int groups = 1, bool bias = false)
    {
        var name = $"conv{_next++}";
        var p = pad ?? kernel / 2;
        var inputs = new List<string> { input, name + "_w" };
        // He-style scale keeps activations in a sensible range through the random layers.
        _graph.Initializer.Add(Weights(name + "_w", MathF.Sqrt(2f / (from / groups * kernel * kernel)), to, from / groups, kernel, kernel));
        if (bias)
        {
            _graph.Initializer.Add(Weights(name + "_b", 0.1f, to));
            inputs.Add(name + "_b");
        }
        _graph.Node.Add(Node("Conv", [.. inputs], name, Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", p, p, p, p), Int("group", groups)));
        _channels[name] = to;
        return name;
    }

    private string Norm(string input)
    {
        var name = $"bn{_next++}";
        var c = _channels[input];
        _graph.Initializer.Add(Values(name + "_scale", c, () => 0.5f + _random.NextSingle()));
        _graph.Initializer.Add(Values(name + "_bias", c, () => _random.NextSingle() - 0.5f));
        _graph.Initializer.Add(Values(name + "_mean", c, () => _random.NextSingle() - 0.5f));
        _graph.Initializer.Add(Values(name + "_var", c, () => 0.5f + _random.NextSingle()));
        _graph.Node.Add(Node("BatchNormalization", [input, name + "_scale", name + "_bias", name + "_mean", name + "_var"], name));
        _channels[name] = c;
        return name;
    }

    private string Relu(string input) => Op("Relu", [input]);

    private string Clip(string input, float floor = 0f, float ceiling = 6f)
    {
        var name = $"clip{_next++}";
        _graph.Initializer.Add(Values(name + "_min", 0, () => floor));
        _graph.Initializer.Add(Values(name + "_max", 0, () => ceiling));
        _graph.Node.Add(Node("Clip", [input, name + "_min", name + "_max"], name));
        _channels[name] = _channels[input];
        return name;
    }

    private string Op(string op, string[] inputs, params AttributeProto[] attributes)
    {
        var name = $"{op.ToLowerInvariant()}{_next++}";
        _graph.Node.Add(Node(op, inputs, name, attributes));
        _channels[name] = op == "Concat" ? inputs.Sum(i => _channels[i]) : _channels[inputs[0]];
        return name;
    }

    private TensorProto Weights(string name, float scale, params long[] dims)
    {
        var count = (int)dims.Aggregate(1L, (a, b) => a * b);
        var tensor = Values(name, count, () => (_random.NextSingle() * 2 - 1) * scale * 1.7f);
        tensor.Dims.Clear();
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    /// <summary>A float tensor of <paramref name="count"/> values ([count]; a scalar when 0).</summary>
    private static TensorProto Values(string name, int count, Func<float> next)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        if (count > 0) tensor.Dims.Add(count);
        tensor.FloatData.AddRange(Enumerable.Range(0, Math.Max(count, 1)).Select(_ => next()));
        return tensor;
    }

    private static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output, Input = { inputs }, Output = { output } };
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto Ints(string name, params long[] values) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static ValueInfoProto Tensor(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }
}
