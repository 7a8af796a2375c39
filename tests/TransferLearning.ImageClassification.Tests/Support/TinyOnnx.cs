using Google.Protobuf;
using Onnx;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Tests.Support;

/// <summary>How the feature tensor of a generated classifier is produced (the three shapes real backbones have).</summary>
public enum FeatureProducer
{
    /// <summary>VGG: a 2x2 max pool leaves a 7x7 map.</summary>
    MaxPoolMap,

    /// <summary>CNTK ResNet18, Caffe GoogLeNet: a fixed average pool over the whole 14x14 map.</summary>
    FixedAveragePool,

    /// <summary>Gluon ResNet, MobileNet, timm: GlobalAveragePool.</summary>
    GlobalAveragePool,
}

/// <summary>
/// Small generated ONNX classifiers with a chosen input name, feature tensor and feature count:
/// input [1,3,224,224] → Conv 16x16/16 (14x14 map) → Relu → pooling (the feature tensor) → Flatten → Gemm → Softmax.
/// </summary>
internal static class TinyOnnx
{
    public const int Classes = 10;

    /// <summary>A fast stand-in backbone: a generated classifier with <paramref name="features"/> pooled features, written into <paramref name="folder"/>.</summary>
    public static BackboneSpec Backbone(TempFolder folder, int features) => BackboneSpec.FromOnnxFile(
        folder.Write("tiny.onnx", Classifier("x", "pooled", features, FeatureProducer.GlobalAveragePool)), new ImageSize(224, 224), PixelNormalization.Torch);

    public static byte[] Classifier(string inputName, string featureNode, int features, FeatureProducer producer, int seed = 1)
    {
        var random = new Random(seed);
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(Tensor(inputName, 1, 3, 224, 224));
        graph.Initializer.Add(Weights("conv_w", random, features, 3, 16, 16));
        graph.Initializer.Add(Weights("fc_w", random, Classes, producer == FeatureProducer.MaxPoolMap ? features * 49 : features));
        graph.Node.Add(Node("Conv", [inputName, "conv_w"], "conv", Ints("kernel_shape", 16, 16), Ints("strides", 16, 16)));
        graph.Node.Add(Node("Relu", ["conv"], "relu"));
        graph.Node.Add(producer switch
        {
            FeatureProducer.MaxPoolMap => Node("MaxPool", ["relu"], featureNode, Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)),
            FeatureProducer.FixedAveragePool => Node("AveragePool", ["relu"], featureNode, Ints("kernel_shape", 14, 14)),
            _ => Node("GlobalAveragePool", ["relu"], featureNode),
        });
        graph.Node.Add(Node("Flatten", [featureNode], "flat"));
        graph.Node.Add(Node("Gemm", ["flat", "fc_w"], "logits", new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
        graph.Node.Add(Node("Softmax", ["logits"], "prob"));
        graph.Output.Add(Tensor("prob", 1, Classes));
        var model = new ModelProto { IrVersion = 7, Graph = graph, ProducerName = "tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    /// <summary>The same model with <paramref name="tensor"/> also exposed as a graph output, to read intermediate values.</summary>
    public static byte[] WithOutput(byte[] model, string tensor)
    {
        var proto = ModelProto.Parser.ParseFrom(model);
        proto.Graph.Output.Add(new ValueInfoProto { Name = tensor, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        return proto.ToByteArray();
    }

    private static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static ValueInfoProto Tensor(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static TensorProto Weights(string name, Random random, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        var count = dims.Aggregate(1L, (a, b) => a * b);
        tensor.FloatData.AddRange(Enumerable.Range(0, (int)count).Select(_ => (random.NextSingle() - 0.5f) * 0.1f));
        return tensor;
    }
}
