using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using TorchSharp;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.FineTuning.Graph;
using static TorchSharp.torch;

namespace TransferLearning.ImageClassification.FineTuning.Tests.Graph;

/// <summary>A backbone's stage built from its ONNX graph computes what ONNX Runtime computes, and TorchSharp's gradients
/// through it are the true ones.</summary>
public class OnnxStageModuleTests
{
    [TorchFact]
    public void The_last_stage_of_the_real_resnet18_gives_onnx_runtime_s_output_within_1e4()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(BackboneCatalog.ResNet18.ModelPath!));
        var (boundary, output) = (BackboneCatalog.ResNet18Layer3.FeatureNode!, BackboneCatalog.ResNet18.FeatureNode!);
        // ONNX Runtime on the whole graph, reading both the boundary's maps (the frozen part's output) and the cut.
        model.Graph.Output.Clear();
        foreach (var name in new[] { boundary, output })
            model.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        using var session = new InferenceSession(model.ToByteArray());
        var random = new Random(3);
        var pixels = Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)(random.NextDouble() * 255 - 128)).ToArray();
        var image = new DenseTensor<float>(pixels, new[] { 1, 3, 224, 224 });
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(BackboneCatalog.ResNet18.InputName!, image)], [boundary, output]);
        var maps = results[0].AsTensor<float>();
        var expected = results[1].AsTensor<float>().ToArray();

        var stage = OnnxStage.Between(model.Graph, boundary, output);
        using var module = new OnnxStageModule(stage);
        using var input = torch.tensor(maps.ToArray(), [.. maps.Dimensions.ToArray().Select(d => (long)d)]);
        var actual = module.call(input).data<float>().ToArray();

        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, 1e-4));
        Assert.Contains(stage.Nodes, n => n.OpType == "Conv");
        Assert.DoesNotContain(stage.Nodes, n => n.Output.Contains(boundary)); // the frozen part stays out
        Assert.True(module.parameters().Sum(p => p.numel()) > 8_000_000, "the last stage's weights train");
    }

    /// <summary>Residual, depthwise, concatenation, asymmetric pads, BatchNormalization, pools and a dense layer.</summary>
    internal static OnnxStage SmallGraph(out string input)
    {
        var g = new Graphs();
        input = "x";
        var conv = g.Node("Conv", ["x", g.Weight("w1", 3, 2, 3, 3), g.Weight("b1", 3)], "conv",
            Graphs.Ints("pads", 1, 0, 0, 1)); // [1,3,4,4] from [1,2,5,5]
        var bn = g.Node("BatchNormalization", [conv, g.Weight("scale", 3), g.Weight("shift", 3), g.Weight("mean", 3),
            g.Floats("var", [3], [0.5f, 1.5f, 2f])], "bn");
        var relu = g.Node("Relu", [bn], "relu");
        var depthwise = g.Node("Conv", [relu, g.Weight("w2", 3, 1, 3, 3)], "depthwise",
            Graphs.Ints("pads", 1, 1, 1, 1), Graphs.Int("group", 3));
        var residual = g.Node("Add", [relu, depthwise], "residual");
        var concat = g.Node("Concat", [residual, relu], "concat", Graphs.Int("axis", 1));
        var pool = g.Node("MaxPool", [concat], "pool", Graphs.Ints("kernel_shape", 2, 2), Graphs.Ints("strides", 2, 2));
        var average = g.Node("AveragePool", [pool], "average", Graphs.Ints("kernel_shape", 2, 2),
            Graphs.Ints("pads", 0, 0, 1, 1), Graphs.Int("count_include_pad", 1));
        var global = g.Node("GlobalAveragePool", [average], "global");
        var flat = g.Node("Flatten", [global], "flat");
        g.Node("Gemm", [flat, g.Weight("w3", 2, 6), g.Weight("b3", 2)], "logits", Graphs.Int("transB", 1));
        return OnnxStage.Between(g.Graph, "x", "logits");
    }

    [TorchFact]
    public void A_small_graph_with_asymmetric_pads_pools_and_a_dense_layer_gives_onnx_runtime_s_output()
    {
        var stage = SmallGraph(out var input);
        var model = SmallModel(stage);
        using var session = new InferenceSession(model.ToByteArray());
        var random = new Random(7);
        var x = Enumerable.Range(0, 50).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

        using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, new DenseTensor<float>(x, new[] { 1, 2, 5, 5 }))]);
        using var module = new OnnxStageModule(stage);
        using var tensor = torch.tensor(x, [1L, 2, 5, 5]);
        var actual = module.call(tensor).data<float>().ToArray();

        Assert.All(results[0].AsTensor<float>().ToArray().Zip(actual), p => Assert.Equal(p.First, p.Second, 1e-5));
    }

    /// <summary>The small graph as a whole model ONNX Runtime runs (opset 13).</summary>
    internal static ModelProto SmallModel(OnnxStage stage)
    {
        var graph = new GraphProto { Name = "small" };
        graph.Node.Add(stage.Nodes);
        graph.Initializer.Add(stage.Initializers.Values);
        graph.Input.Add(Value(stage.Input, 1, 2, 5, 5));
        graph.Output.Add(Value(stage.Output, 1, 2));
        return new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Version = 13 } } };
    }

    private static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    [TorchFact]
    public void Gradients_through_a_small_graph_match_finite_differences()
    {
        using var module = new OnnxStageModule(SmallGraph(out _));
        module.to(ScalarType.Float64);
        var random = new Random(5);
        using var x = torch.tensor([.. Enumerable.Range(0, 50).Select(_ => random.NextDouble() * 2 - 1)], [1L, 2, 5, 5], ScalarType.Float64);
        using var direction = torch.tensor([0.7, -1.3], [1L, 2], ScalarType.Float64);
        double Loss() { using var _ = torch.no_grad(); return (module.call(x) * direction).sum().item<double>(); }

        (module.call(x) * direction).sum().backward();

        foreach (var parameter in module.parameters())
        {
            var (flat, gradient) = (parameter.view(-1), parameter.grad!.view(-1));
            foreach (var k in Enumerable.Range(0, (int)flat.numel()).Where(k => k % 5 == 0))
            {
                const double eps = 1e-6;
                var value = flat[k].item<double>();
                using (torch.no_grad()) flat[k].fill_(value + eps);
                var up = Loss();
                using (torch.no_grad()) flat[k].fill_(value - eps);
                var down = Loss();
                using (torch.no_grad()) flat[k].fill_(value);
                Assert.Equal((up - down) / (2 * eps), gradient[k].item<double>(), 1e-6);
            }
        }
        Assert.Equal(7, module.parameters().Count()); // w1 b1 scale shift w2 w3 b3; the running statistics are buffers
    }

    [Fact]
    public void An_operator_it_cannot_train_through_is_refused_by_name()
    {
        var g = new Graphs();
        g.Node("Relu", ["x"], "relu");
        g.Node("Softplus", ["relu"], "soft");
        var stage = OnnxStage.Between(g.Graph, "x", "soft");

        var error = Assert.Throws<NotSupportedException>(() => OnnxOperators.Check(stage.Nodes[1]));

        Assert.Contains("'Softplus' (node 'soft')", error.Message);
        Assert.Contains("Conv", error.Message);
    }

    [Theory]
    [InlineData("MaxPool", "ceil_mode")]
    [InlineData("LRN", "size")]
    public void A_form_it_would_not_compute_as_onnx_runtime_does_is_refused_by_name(string op, string attribute)
    {
        var g = new Graphs();
        g.Node(op, ["x"], "node", op == "MaxPool" ? [Graphs.Ints("kernel_shape", 2, 2), Graphs.Int("ceil_mode", 1)] : [Graphs.Int("size", 4)]);

        var error = Assert.Throws<NotSupportedException>(() => OnnxOperators.Check(g.Graph.Node[0]));

        Assert.Contains($"{op} node 'node'", error.Message);
        Assert.Contains(attribute, error.Message);
    }

    [Fact]
    public void A_stage_that_reads_a_frozen_tensor_other_than_the_boundary_is_refused()
    {
        var g = new Graphs();
        var first = g.Node("Relu", ["image"], "first");
        var boundary = g.Node("Relu", [first], "boundary");
        g.Node("Add", [boundary, first], "skip"); // a skip connection across the boundary

        var error = Assert.Throws<ArgumentException>(() => OnnxStage.Between(g.Graph, "boundary", "skip"));

        Assert.Contains("'image'", error.Message);
    }

    [Fact]
    public void A_stage_holds_the_nodes_after_the_boundary_and_only_the_weights_they_read()
    {
        var g = new Graphs();
        var frozen = g.Node("Conv", ["image", g.Weight("frozen_w", 2, 1, 1, 1)], "boundary");
        g.Node("Conv", [frozen, g.Weight("trained_w", 2, 2, 1, 1)], "out");

        var stage = OnnxStage.Between(g.Graph, "boundary", "out");

        Assert.Equal(["out"], stage.Nodes.Select(n => n.Name));
        Assert.Equal(["trained_w"], stage.Initializers.Keys);
        Assert.Throws<ArgumentException>(() => OnnxStage.Between(g.Graph, "elsewhere", "out"));
    }
}
