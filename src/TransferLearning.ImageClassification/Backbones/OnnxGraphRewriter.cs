using Google.Protobuf;
using Onnx;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>
/// Turns a frozen ONNX classifier into a batched feature extractor, Keras <c>include_top=False</c> style: cut the
/// graph at the feature tensor, pool a spatial map to one vector, flatten, drop everything the features do not need,
/// and make the batch and spatial dimensions symbolic. Weights are untouched.
/// </summary>
internal static class OnnxGraphRewriter
{
    /// <summary>Bumped whenever the rewrite could change feature values; part of the feature-cache key.</summary>
    public const int Version = 2;

    /// <summary>Name of the features output of the rewritten graph: [N, features].</summary>
    public const string OutputName = "transfer_learning_features";



    private static readonly HashSet<string> Flattening = ["Flatten", "Reshape", "Squeeze", "Dropout", "Identity"];
    private static readonly HashSet<string> Pooled = ["GlobalAveragePool", "GlobalMaxPool"];
    private static readonly HashSet<string> Vectors = ["Flatten", "Reshape", "Squeeze", "Gemm", "MatMul"];

    /// <summary>
    /// The rewritten model, its image input, the tensor cut at, and the tensor pooled (the cut, or the map under a pool
    /// at the cut); when <paramref name="Pools"/>, that map is the graph's second output, its cells placed over the
    /// input by <paramref name="Grid"/> (null when the graph does not say).
    /// </summary>
    public sealed record Result(
        byte[] Model, string InputName, string FeatureTensor, string PooledTensor, bool Pools, MapGrid? Grid);

    public static Result ToFeatureExtractor(byte[] model, BackboneSpec spec)
    {
        var proto = ModelProto.Parser.ParseFrom(model);
        var graph = proto.Graph;
        var producers = OnnxNodes.Producers(graph);
        var input = FindInput(graph, spec);
        var cut = spec.FeatureNode == BackboneSpec.AutoFeatureNode ? FindAutoFeatureTensor(graph, producers)
            : spec.FeatureNode;
        if (!producers.TryGetValue(cut, out var producer))
            throw new InvalidDataException(
                $"Backbone '{spec.Name}': the ONNX graph has no node output '{cut}'. Its outputs: " +
                $"{string.Join(", ", graph.Output.Select(o => o.Name))}.");

        var (pooled, pool) = ChoosePooling(producer, cut, spec.Pooling);
        var grid = pool ? MapGrid.Of(graph, pooled, input.Name) : null;
        Append(graph, "Flatten", pool ? AppendPooling(graph, pooled, spec.Pooling) : pooled, OutputName,
            OnnxNodes.Int("axis", 1));

        Prune(graph, OutputName, input.Name);
        graph.Output.Clear();
        // Intermediate shapes were inferred for one input size; ONNX Runtime infers them again.
        graph.ValueInfo.Clear();
        graph.SetDim();
        MakeSpatialDimsSymbolic(input, spec.Layout);
        // The pooled map is a second output, fetched only for class-activation maps (it is computed anyway).
        foreach (var output in pool ? [OutputName, pooled] : new[] { OutputName })
            graph.Output.Add(new ValueInfoProto
            {
                Name = output,
                Type = new TypeProto {
                    TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        return new Result(proto.ToByteArray(), input.Name, cut, pooled, pool, grid);
    }

    /// <summary>
    /// Lets the whole original graph run at <paramref name="spec"/>'s input size (for <see cref="BackboneVerifier"/>):
    /// the
    /// image input's height and width made symbolic, the shapes inferred for the exported size dropped.
    /// </summary>
    internal static void FreeInputSize(GraphProto graph, BackboneSpec spec)
    {
        graph.ValueInfo.Clear();
        MakeSpatialDimsSymbolic(FindInput(graph, spec), spec.Layout);
    }

    private static ValueInfoProto FindInput(GraphProto graph, BackboneSpec spec)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet();
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (spec.InputName is { } name)
            return inputs.FirstOrDefault(i => i.Name == name) ?? throw new InvalidDataException(
                $"Backbone '{spec.Name}': the ONNX graph has no input '{name}'. Its inputs: " +
                $"{string.Join(", ", inputs.Select(i => i.Name))}.");
        return inputs.Count == 1 ? inputs[0] : throw new InvalidDataException(
            $"Backbone '{spec.Name}': the ONNX graph has {inputs.Count} inputs " +
            $"({string.Join(", ", inputs.Select(i => i.Name))}); say which takes the image with InputName.");
    }

    /// <summary>
    /// The input of the last Gemm/MatMul, followed back through flattening to the map or pool that feeds it; in a graph
    /// without a classifier (a feature extractor, such as BackboneQuantizer.WriteInt8Backbone's), its first output.
    /// </summary>
    private static string FindAutoFeatureTensor(GraphProto graph, Dictionary<string, NodeProto> producers)
    {
        var classifier = graph.Node.LastOrDefault(n => n.OpType is "Gemm" or "MatMul");
        var tensor = classifier?.Input[0] ?? graph.Output.FirstOrDefault()?.Name
            ?? throw new InvalidDataException("The ONNX graph has no output and no Gemm or MatMul to find the " +
                "features before; name the FeatureNode.");
        while (producers.TryGetValue(tensor, out var node) && Flattening.Contains(node.OpType)) tensor = node.Input[0];
        return tensor;
    }

    /// <summary>
    /// The tensor to pool, and whether to pool it. A pool at the cut (global, or a fixed unpadded average window: the
    /// network's own global pool written for its training size) is replaced by ours on its input map, which gives the
    /// same values for average pooling, frees the input size, and lets <see cref="FeaturePooling"/> choose.
    /// </summary>
    private static (string Tensor, bool Pool) ChoosePooling(NodeProto producer, string cut, FeaturePooling pooling)
    {
        if (pooling == FeaturePooling.None || Vectors.Contains(producer.OpType)) return (cut, false);
        var unpadded = producer.Attribute.FirstOrDefault(a => a.Name == "pads") is not { } pads
            || pads.Ints.All(p => p == 0);
        var networkPool = Pooled.Contains(producer.OpType) || producer.OpType == "AveragePool" && unpadded;
        return (networkPool ? producer.Input[0] : cut, true);
    }

    /// <summary>Appends <paramref name="pooling"/> of <paramref name="map"/>; returns the pooled tensor.</summary>
    private static string AppendPooling(GraphProto graph, string map, FeaturePooling pooling) => pooling switch
    {
        FeaturePooling.GlobalMax => Append(graph, "GlobalMaxPool", map, "transfer_learning_pool"),
        FeaturePooling.GlobalAverageAndMax => OnnxNodes.Add(
            graph, "Concat", [Append(graph, "GlobalAveragePool", map, "transfer_learning_avg"),
                Append(graph, "GlobalMaxPool", map, "transfer_learning_max")],
            "transfer_learning_pool", OnnxNodes.Int("axis", 1)),
        _ => Append(graph, "GlobalAveragePool", map, "transfer_learning_pool"),
    };

    private static string Append(
        GraphProto graph, string opType, string input, string output, params AttributeProto[] attributes) =>
        OnnxNodes.Add(graph, opType, [input], output, attributes);


    /// <summary>
    /// Keeps only the nodes, initializers and inputs that <paramref name="output"/> depends on (VGG16 drops its 120M
    /// classifier weights), and the graph input <paramref name="keptInput"/>.
    /// </summary>
    internal static void Prune(GraphProto graph, string output, string keptInput)
    {
        var producers = OnnxNodes.Producers(graph);
        var needed = new HashSet<string>();
        var keep = new HashSet<NodeProto>();
        var pending = new Stack<string>([output]);
        while (pending.TryPop(out var tensor))
        {
            if (!needed.Add(tensor) || !producers.TryGetValue(tensor, out var node) || !keep.Add(node)) continue;
            foreach (var name in node.Input.Where(n => n.Length > 0)) pending.Push(name);
        }

        var nodes = graph.Node.Where(keep.Contains).ToList();
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        var initializers = graph.Initializer.Where(i => needed.Contains(i.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(initializers);
        var inputs = graph.Input.Where(i => i.Name == keptInput || needed.Contains(i.Name)).ToList();
        graph.Input.Clear();
        graph.Input.AddRange(inputs);
    }


    private static void MakeSpatialDimsSymbolic(ValueInfoProto input, TensorLayout layout)
    {
        var dims = input.Type?.TensorType?.Shape?.Dim;
        if (dims is not { Count: 4 }) return;
        var (height, width) = layout == TensorLayout.Nchw ? (2, 3) : (1, 2);
        dims[height] = new TensorShapeProto.Types.Dimension { DimParam = "H" };
        dims[width] = new TensorShapeProto.Types.Dimension { DimParam = "W" };
    }
}
