using System.Runtime.InteropServices;
using System.Text.Json;
using Onnx;
using TransferLearning.ImageClassification.Backbones;
using static TransferLearning.ImageClassification.Backbones.OnnxNodes;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Export;

/// <summary>
/// A trained classifier as one ONNX graph that any ONNX runtime can run on raw pixels:
/// <c>image</c> uint8 [N, H, W, 3] upright RGB → resize (antialiased bilinear: exactly <see cref="ImageResizer"/>) → the backbone's normalisation →
/// the cut backbone and its pooling → the dense head (standardisation folded in) → softmax, averaged over the image
/// and its mirror image when the classifier was trained so → <c>probabilities</c> float [N, classes] and
/// <c>label</c> int64 [N]. Metadata names the classes, the backbone and its SHA-256, the input size and normalisation.
/// </summary>
internal static class OnnxExporter
{
    /// <summary>Opset 18: the first with an antialiased Resize and axes on Resize and ReduceMean. ONNX Runtime 1.14+ runs it.</summary>
    public const int Opset = 18;
    public const string InputName = "image";
    public const string ProbabilitiesName = "probabilities";
    public const string LabelName = "label";
    private const string BackbonePrefix = "backbone/";
    private const string HeadPrefix = "head/";

    public static ModelProto Build(TransferClassifier classifier, byte[] backboneFile, ImagePreprocessor preprocessor, int views, Quantization.Int8Calibration? int8)
    {
        var head = classifier.Head;
        var spec = classifier.Backbone;
        var rewrite = OnnxGraphRewriter.ToFeatureExtractor(backboneFile, spec);
        var cutInput = rewrite.InputName;
        // An int8 classifier exports the same QDQ graph it runs, so any runtime that fuses QDQ gives its answers.
        var backbone = ModelProto.Parser.ParseFrom(int8 is null ? rewrite.Model : Quantization.BackboneQuantizer.Build(rewrite, classifier.BackboneSha256, spec, int8));
        OpsetUpgrade.To(backbone, Opset, spec.Name, "exporting to one ONNX file");

        var graph = new GraphProto { Name = "transfer_learning_classifier" };
        var nchw = spec.Layout == TensorLayout.Nchw;
        var (channelAxis, widthAxis) = nchw ? (1L, 3L) : (3L, 2L);
        graph.Input.Add(Value(InputName, TensorProto.Types.DataType.Uint8, "N", "H", "W", 3));

        var x = Add(graph, "Cast", [InputName], "pixels", Int("to", (long)TensorProto.Types.DataType.Float));
        if (nchw) x = Add(graph, "Transpose", [x], "pixels_nchw", Ints("perm", 0, 3, 1, 2));
        // Sizes for all four axes (batch and channels kept), not "axes": ONNX Runtime 1.31's transpose optimiser breaks
        // a Resize with axes once layout transforms put Transposes around it, as they do around int8 convolutions.
        var shape = Add(graph, "Shape", [x], "pixels_shape");
        var sizes = nchw
            ? Add(graph, "Concat", [Add(graph, "Slice", [shape, Int64s(graph, "batch_start", 0), Int64s(graph, "channels_end", 2)], "batch_channels"),
                Int64s(graph, "size", spec.InputSize.Height, spec.InputSize.Width)], "sizes", Int("axis", 0))
            : Add(graph, "Concat", [Add(graph, "Slice", [shape, Int64s(graph, "batch_start", 0), Int64s(graph, "batch_end", 1)], "batch"),
                Int64s(graph, "size", spec.InputSize.Height, spec.InputSize.Width),
                Add(graph, "Slice", [shape, Int64s(graph, "channels_start", 3), Int64s(graph, "channels_end", 4)], "channels")], "sizes", Int("axis", 0));
        x = Add(graph, "Resize", [x, "", "", sizes], "resized",
            Text("mode", "linear"), Int("antialias", 1), Text("coordinate_transformation_mode", "half_pixel"));
        x = NormalizationGraph.Append(graph, x, preprocessor, spec, prefix: "", constantPrefix: "const/");
        if (views == 2)
        {
            var mirrored = Add(graph, "Slice", [x, Int64s(graph, "flip_start", -1), Int64s(graph, "flip_end", long.MinValue), Int64s(graph, "flip_axis", widthAxis), Int64s(graph, "flip_step", -1)], "mirrored");
            x = Add(graph, "Concat", [x, mirrored], "views", Int("axis", 0));
        }

        var features = Merge(graph, backbone.Graph, BackbonePrefix, cutInput, x, BackbonePrefix + OnnxGraphRewriter.OutputName);
        var (headOutput, headDomains) = head switch
        {
            DenseHead dense => (DenseLayers(graph, features, dense), Array.Empty<OperatorSetIdProto>()),
            MLNetHead mlnet => MLNetLayers(graph, features, mlnet),
            _ => throw new NotSupportedException($"ExportOnnx cannot export a {head.GetType().Name} head."),
        };
        var probabilities = Add(graph, "Identity", [headOutput], views == 2 ? "view_probabilities" : ProbabilitiesName);
        if (views == 2)
        {
            // Rows are [images; mirror images]: average the two halves, as TransferClassifier.Predict does.
            var split = Add(graph, "Reshape", [probabilities, Int64s(graph, "by_view", 2, -1, head.ClassCount)], "by_view");
            probabilities = Add(graph, "ReduceMean", [split, Int64s(graph, "view_axis", 0)], ProbabilitiesName, Int("keepdims", 0));
        }
        Add(graph, "ArgMax", [probabilities], LabelName, Int("axis", 1), Int("keepdims", 0));
        graph.Output.Add(Value(ProbabilitiesName, TensorProto.Types.DataType.Float, "N", head.ClassCount));
        graph.Output.Add(Value(LabelName, TensorProto.Types.DataType.Int64, "N"));

        var model = new ModelProto
        {
            IrVersion = 8,
            Graph = graph,
            ProducerName = "TransferLearning.ImageClassification",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "",
            DocString = "Image classifier: uint8 RGB [N, H, W, 3] in, class probabilities [N, classes] and label [N] out.",
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        model.OpsetImport.Add(headDomains);
        Metadata(model, "classes", JsonSerializer.Serialize(classifier.Classes));
        Metadata(model, "backbone", spec.Name);
        Metadata(model, "backbone_sha256", classifier.BackboneSha256);
        Metadata(model, "input_size", spec.InputSize.ToString());
        Metadata(model, "normalization", spec.Normalization.Fingerprint);
        Metadata(model, "horizontal_flip", (views == 2).ToString().ToLowerInvariant());
        Metadata(model, "precision", int8 is null ? "fp32" : "int8");
        Metadata(model, "input", "upright RGB pixels (EXIF orientation already applied), uint8 [N, H, W, 3], any size");
        Metadata(model, "preprocessing_version", ImagePreprocessor.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Metadata(model, "library_version", model.ProducerVersion);
        return model;
    }

    /// <summary>Dense layers (ReLU between them) and softmax: the head's parameters as Gemm weights.</summary>
    private static string DenseLayers(GraphProto graph, string features, DenseHead head)
    {
        for (var layer = 0; layer < head.LayerSizes.Count - 1; layer++)
        {
            var (weights, bias) = LayerParameters(head, layer);
            var (inSize, outSize) = (head.LayerSizes[layer], head.LayerSizes[layer + 1]);
            features = Add(graph, "Gemm", [features, Floats(graph, $"head/w{layer}", [outSize, inSize], weights), Floats(graph, $"head/b{layer}", [outSize], bias)],
                $"head/dense{layer}", Int("transB", 1));
            if (layer < head.LayerSizes.Count - 2) features = Add(graph, "Relu", [features], $"head/relu{layer}");
        }
        return Add(graph, "Softmax", [features], "head/softmax", Int("axis", -1));
    }

    /// <summary>
    /// The ML.NET model as ML.NET's ONNX converter writes it (for maximum-entropy trainers: Scaler and
    /// LinearClassifier from the ai.onnx.ml domain), cut down to Features → Score.
    /// </summary>
    private static (string Scores, OperatorSetIdProto[] Domains) MLNetLayers(GraphProto graph, string features, MLNetHead head)
    {
        var converted = ModelProto.Parser.ParseFrom(head.ToOnnx());
        const string Scores = "Score.output", Features = "Features";
        OnnxGraphRewriter.Prune(converted.Graph, Scores, Features);
        if (converted.Graph.Node.Any(n => n.Domain is "" or "ai.onnx" && n.OpType != "Identity"))
            OpsetUpgrade.To(converted, Opset, "ML.NET head", "exporting to one ONNX file"); // the converter's own default-domain operators, if any
        var scores = Merge(graph, converted.Graph, HeadPrefix, Features, features, HeadPrefix + Scores);
        return (scores, [.. converted.OpsetImport.Where(o => o.Domain is not ("" or "ai.onnx"))]);
    }

    /// <summary>
    /// Copies another graph's nodes and weights in under <paramref name="prefix"/>, its input <paramref name="otherInput"/>
    /// fed by <paramref name="input"/>; returns <paramref name="output"/>, the prefixed tensor the caller reads.
    /// </summary>
    private static string Merge(GraphProto graph, GraphProto other, string prefix, string otherInput, string input, string output)
    {
        string Rename(string name) => name.Length == 0 ? name : name == otherInput ? input : prefix + name;
        foreach (var node in other.Node)
        {
            var copy = node.Clone();
            copy.Name = prefix + node.Name;
            for (var i = 0; i < copy.Input.Count; i++) copy.Input[i] = Rename(copy.Input[i]);
            for (var i = 0; i < copy.Output.Count; i++) copy.Output[i] = Rename(copy.Output[i]);
            graph.Node.Add(copy);
        }
        foreach (var initializer in other.Initializer)
        {
            var copy = initializer.Clone();
            copy.Name = prefix + initializer.Name;
            graph.Initializer.Add(copy);
        }
        return output;
    }

    private static (float[] Weights, float[] Bias) LayerParameters(DenseHead head, int layer)
    {
        var offset = 0;
        for (var l = 0; l < layer; l++) offset += (head.LayerSizes[l] + 1) * head.LayerSizes[l + 1];
        var (inSize, outSize) = (head.LayerSizes[layer], head.LayerSizes[layer + 1]);
        var parameters = head.Parameters;
        return (parameters.Slice(offset, inSize * outSize).ToArray(), parameters.Slice(offset + inSize * outSize, outSize).ToArray());
    }

    private static string Floats(GraphProto graph, string name, long[] dims, float[] values) =>
        NamedConstant(graph, name, TensorProto.Types.DataType.Float, dims, MemoryMarshal.AsBytes(values.AsSpan()));

    private static string Int64s(GraphProto graph, string name, params long[] values) =>
        NamedConstant(graph, name, TensorProto.Types.DataType.Int64, [values.Length], MemoryMarshal.AsBytes(values.AsSpan()));

    /// <summary>A constant, named under <c>const/</c> so that it never collides with a node's output.</summary>
    private static string NamedConstant(GraphProto graph, string name, TensorProto.Types.DataType type, long[] dims, ReadOnlySpan<byte> raw) =>
        Constant(graph, "const/" + name, type, dims, raw);

    /// <summary>A graph input or output; string dimensions are symbolic.</summary>
    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
            shape.Dim.Add(dim is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    private static void Metadata(ModelProto model, string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
}
