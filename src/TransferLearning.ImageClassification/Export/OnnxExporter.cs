using System.Runtime.InteropServices;
using System.Text.Json;
using Onnx;
using TransferLearning.ImageClassification.Backbones;
using static TransferLearning.ImageClassification.Backbones.OnnxNodes;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Novelty;
using System.Globalization;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Export;

/// <summary>
/// A trained classifier as one ONNX graph that any ONNX runtime can run on raw pixels:
/// <c>image</c> uint8 [N, H, W, 3] upright RGB → resize (antialiased bilinear: exactly <see cref="ImageResizer"/>)
/// → the backbone's normalisation → the cut backbone and its pooling → the dense head (standardisation folded in)
/// → softmax, averaged over the image and its mirror image when the classifier was trained so →
/// <c>probabilities</c> float [N, classes] and <c>label</c> int64 [N], and with a novelty detector <c>novelty</c> float
/// [N] (<see cref="NoveltyGraph"/>). Metadata names the classes, the backbone and its SHA-256, the input size and
/// normalisation, and the novelty threshold.
/// </summary>
internal static class OnnxExporter
{
    /// <summary>
    /// Opset 18: the first with an antialiased Resize and axes on Resize and ReduceMean. ONNX Runtime 1.14+ runs it.
    /// </summary>
    public const int Opset = 18;
    public const string InputName = "image";
    public const string ProbabilitiesName = "probabilities";
    public const string LabelName = "label";
    private const string BackbonePrefix = "backbone/";
    private const string HeadPrefix = "head/";

    public static ModelProto Build(
        TransferClassifier classifier,
        byte[] backboneFile,
        ImagePreprocessor preprocessor,
        int views,
        Quantization.Int8Calibration? int8)
    {
        var (backbone, cutInput) = CutBackbone(classifier, backboneFile, int8);
        var graph = new GraphProto { Name = "transfer_learning_classifier" };
        graph.Input.Add(Value(InputName, TensorProto.Types.DataType.Uint8, "N", "H", "W", 3));
        var pixels = Preprocessing(graph, classifier.Backbone, preprocessor, views);
        var features = Merge(
            graph, backbone.Graph, BackbonePrefix, cutInput, pixels, BackbonePrefix + OnnxGraphRewriter.OutputName);
        var (headOutput, headDomains) = HeadLayers(graph, features, classifier.Head);
        AddOutputs(graph, headOutput, views, classifier.Head.ClassCount);
        if (classifier.Novelty is { } novelty) NoveltyGraph.Append(graph, features, novelty, views);
        var model = NewModel(graph, headDomains);
        AddMetadata(model, classifier, views, int8 is not null);
        return model;
    }

    /// <summary>
    /// The backbone cut down to the classifier's features (quantized when the classifier is int8) and brought to
    /// <see cref="Opset"/>, with the name of its image input.
    /// </summary>
    private static (ModelProto Model, string Input) CutBackbone(
        TransferClassifier classifier, byte[] backboneFile, Quantization.Int8Calibration? int8)
    {
        var spec = classifier.Backbone;
        var rewrite = OnnxGraphRewriter.ToFeatureExtractor(backboneFile, spec);
        var cutInput = rewrite.InputName;
        // An int8 classifier exports the same QDQ graph it runs, so any runtime that fuses QDQ gives its answers.
        var backbone = ModelProto.Parser.ParseFrom(int8 is null
            ? rewrite.Model
            : Quantization.BackboneQuantizer.Build(rewrite, classifier.BackboneSha256, spec, int8));
        OpsetUpgrade.To(backbone, Opset, spec.Name, "exporting to one ONNX file");
        return (backbone, cutInput);
    }

    /// <summary>
    /// The image as the backbone takes it: uint8 pixels → float (→ NCHW) → resized, followed in the batch by the
    /// mirror images when the classifier averages over two views → normalised.
    /// </summary>
    private static string Preprocessing(GraphProto graph, BackboneSpec spec, ImagePreprocessor preprocessor, int views)
    {
        var nchw = spec.Layout == TensorLayout.Nchw;
        var x = Add(graph, "Cast", [InputName], "pixels", Int("to", (long)TensorProto.Types.DataType.Float));
        if (nchw) x = Add(graph, "Transpose", [x], "pixels_nchw", Ints("perm", 0, 3, 1, 2));
        var sizes = ResizeSizes(graph, x, spec, nchw);
        x = Add(graph, "Resize", [x, "", "", sizes], "resized",
            Text("mode", "linear"), Int("antialias", 1), Text("coordinate_transformation_mode", "half_pixel"));
        // Mirrored before normalising, as the library does: a mean image is not left-right symmetric.
        if (views == 2) x = WithMirrorImages(graph, x, widthAxis: nchw ? 3L : 2L);
        return NormalizationGraph.Append(graph, x, preprocessor, spec, prefix: "", constantPrefix: "const/");
    }

    /// <summary>The Resize target: the backbone's input size, the batch and channels of <paramref name="x"/>.</summary>
    private static string ResizeSizes(GraphProto graph, string x, BackboneSpec spec, bool nchw)
    {
        // Sizes for all four axes (batch and channels kept), not "axes": ONNX Runtime 1.31's transpose optimiser breaks
        // a Resize with axes once layout transforms put Transposes around it, as they do around int8 convolutions.
        var shape = Add(graph, "Shape", [x], "pixels_shape");
        if (nchw)
        {
            var batchChannels = Add(graph, "Slice",
                [shape, Int64s(graph, "batch_start", 0), Int64s(graph, "channels_end", 2)], "batch_channels");
            return Add(graph, "Concat",
                [batchChannels, Int64s(graph, "size", spec.InputSize.Height, spec.InputSize.Width)],
                "sizes", Int("axis", 0));
        }
        var batch = Add(graph, "Slice",
            [shape, Int64s(graph, "batch_start", 0), Int64s(graph, "batch_end", 1)], "batch");
        var size = Int64s(graph, "size", spec.InputSize.Height, spec.InputSize.Width);
        var channels = Add(graph, "Slice",
            [shape, Int64s(graph, "channels_start", 3), Int64s(graph, "channels_end", 4)], "channels");
        return Add(graph, "Concat", [batch, size, channels], "sizes", Int("axis", 0));
    }

    /// <summary>Appends each image's mirror image to the batch, whose rows become [images; mirror images].</summary>
    private static string WithMirrorImages(GraphProto graph, string x, long widthAxis)
    {
        var mirrored = Add(graph, "Slice",
            [
                x,
                Int64s(graph, "flip_start", -1),
                Int64s(graph, "flip_end", long.MinValue),
                Int64s(graph, "flip_axis", widthAxis),
                Int64s(graph, "flip_step", -1),
            ],
            "mirrored");
        return Add(graph, "Concat", [x, mirrored], "views", Int("axis", 0));
    }

    /// <summary>The head on the features: its probabilities, and the operator sets it needs beyond ONNX's.</summary>
    private static (string Probabilities, OperatorSetIdProto[] Domains) HeadLayers(
        GraphProto graph, string features, IClassifierHead head) => head switch
    {
        DenseHead dense => (DenseLayers(graph, features, dense), Array.Empty<OperatorSetIdProto>()),
        MLNetHead mlnet => MLNetLayers(graph, features, mlnet),
        _ => throw new NotSupportedException($"ExportOnnx cannot export a {head.GetType().Name} head."),
    };

    /// <summary>
    /// The graph's outputs: the probabilities (averaged over the views when there are two) and the label, their
    /// argmax.
    /// </summary>
    private static void AddOutputs(GraphProto graph, string headOutput, int views, int classCount)
    {
        var probabilities = Add(graph, "Identity", [headOutput], views == 2 ? "view_probabilities" : ProbabilitiesName);
        if (views == 2)
        {
            // Rows are [images; mirror images]: average the two halves, as TransferClassifier.Predict does.
            var split = Add(graph, "Reshape", [probabilities, Int64s(graph, "by_view", 2, -1, classCount)], "by_view");
            probabilities = Add(
                graph, "ReduceMean", [split, Int64s(graph, "view_axis", 0)], ProbabilitiesName, Int("keepdims", 0));
        }
        Add(graph, "ArgMax", [probabilities], LabelName, Int("axis", 1), Int("keepdims", 0));
        graph.Output.Add(Value(ProbabilitiesName, TensorProto.Types.DataType.Float, "N", classCount));
        graph.Output.Add(Value(LabelName, TensorProto.Types.DataType.Int64, "N"));
    }

    /// <summary>The model around the graph: producer, ONNX's operator set and the head's others.</summary>
    private static ModelProto NewModel(GraphProto graph, OperatorSetIdProto[] headDomains)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            Graph = graph,
            ProducerName = "TransferLearning.ImageClassification",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "",
            DocString =
                "Image classifier: uint8 RGB [N, H, W, 3] in, class probabilities [N, classes] and label [N] out.",
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        model.OpsetImport.Add(headDomains);
        return model;
    }

    /// <summary>The classes, the backbone, what the input must be, how it is preprocessed, and the versions.</summary>
    private static void AddMetadata(ModelProto model, TransferClassifier classifier, int views, bool int8)
    {
        var spec = classifier.Backbone;
        Metadata(model, "classes", JsonSerializer.Serialize(classifier.Classes));
        Metadata(model, "backbone", spec.Name);
        Metadata(model, "backbone_sha256", classifier.BackboneSha256);
        Metadata(model, "input_size", spec.InputSize.ToString());
        Metadata(model, "normalization", spec.Normalization.Fingerprint);
        Metadata(model, "horizontal_flip", (views == 2).ToString().ToLowerInvariant());
        Metadata(model, "precision", int8 ? "int8" : "fp32");
        Metadata(model, "input", "upright RGB pixels (EXIF orientation already applied), uint8 [N, H, W, 3], any size");
        Metadata(model, "preprocessing_version",
            ImagePreprocessor.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Metadata(model, "library_version", model.ProducerVersion);
        if (classifier.Novelty is not { } novelty) return;
        Metadata(model, "novelty_method", NoveltyDetector.Method);
        Metadata(model, "novelty_threshold", novelty.Threshold.ToString("R", CultureInfo.InvariantCulture));
        Metadata(model, "novelty_acceptance", novelty.Acceptance.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>Dense layers (ReLU between them) and softmax: the head's parameters as Gemm weights.</summary>
    private static string DenseLayers(GraphProto graph, string features, DenseHead head)
    {
        for (var layer = 0; layer < head.LayerSizes.Count - 1; layer++)
        {
            var (weights, bias) = LayerParameters(head, layer);
            var (inSize, outSize) = (head.LayerSizes[layer], head.LayerSizes[layer + 1]);
            var w = Floats(graph, $"head/w{layer}", [outSize, inSize], weights);
            var b = Floats(graph, $"head/b{layer}", [outSize], bias);
            features = Add(graph, "Gemm", [features, w, b], $"head/dense{layer}", Int("transB", 1));
            if (layer < head.LayerSizes.Count - 2) features = Add(graph, "Relu", [features], $"head/relu{layer}");
        }
        return Add(graph, "Softmax", [features], "head/softmax", Int("axis", -1));
    }

    /// <summary>
    /// The ML.NET model as ML.NET's ONNX converter writes it (for maximum-entropy trainers: Scaler and
    /// LinearClassifier from the ai.onnx.ml domain), cut down to Features → Score.
    /// </summary>
    private static (string Scores, OperatorSetIdProto[] Domains) MLNetLayers(
        GraphProto graph, string features, MLNetHead head)
    {
        var converted = ModelProto.Parser.ParseFrom(head.ToOnnx());
        const string Scores = "Score.output", Features = "Features";
        OnnxGraphRewriter.Prune(converted.Graph, Scores, Features);
        // The converter's own default-domain operators, if any.
        if (converted.Graph.Node.Any(n => n.Domain is "" or "ai.onnx" && n.OpType != "Identity"))
            OpsetUpgrade.To(converted, Opset, "ML.NET head", "exporting to one ONNX file");
        var scores = Merge(graph, converted.Graph, HeadPrefix, Features, features, HeadPrefix + Scores);
        return (scores, [.. converted.OpsetImport.Where(o => o.Domain is not ("" or "ai.onnx"))]);
    }

    /// <summary>
    /// Copies another graph's nodes and weights in under <paramref name="prefix"/>, its input
    /// <paramref name="otherInput"/> fed by <paramref name="input"/>; returns <paramref name="output"/>, the prefixed
    /// tensor the caller reads.
    /// </summary>
    private static string Merge(
        GraphProto graph, GraphProto other, string prefix, string otherInput, string input, string output)
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
        return (
            parameters.Slice(offset, inSize * outSize).ToArray(),
            parameters.Slice(offset + inSize * outSize, outSize).ToArray());
    }

    private static string Floats(GraphProto graph, string name, long[] dims, float[] values) =>
        NamedConstant(graph, name, TensorProto.Types.DataType.Float, dims, MemoryMarshal.AsBytes(values.AsSpan()));

    private static string Int64s(GraphProto graph, string name, params long[] values) =>
        NamedConstant(
            graph, name, TensorProto.Types.DataType.Int64, [values.Length], MemoryMarshal.AsBytes(values.AsSpan()));

    /// <summary>A constant, named under <c>const/</c> so that it never collides with a node's output.</summary>
    private static string NamedConstant(
        GraphProto graph, string name, TensorProto.Types.DataType type, long[] dims, ReadOnlySpan<byte> raw) =>
        Constant(graph, "const/" + name, type, dims, raw);

    /// <summary>A graph input or output; string dimensions are symbolic.</summary>
    internal static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension
                {
                    DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture),
                });
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    private static void Metadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
}
