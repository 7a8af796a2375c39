using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using TransferLearning.ImageClassification.Backbones;

namespace TransferLearning.ImageClassification.FineTuning.Graph;

/// <summary>
/// ONNX Runtime on a stage alone: the nodes of the featurizer's graph from the boundary map to the features, so that
/// features come from cached maps exactly as the featurizer computes them after the boundary (to check the trained
/// module against, and to score the fine-tuned model without running the frozen part again).
/// </summary>
internal sealed class StageSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly string[] _outputs = [OnnxGraphRewriter.OutputName];

    /// <param name="featureExtractor">The featurizer's graph (<c>OnnxGraphRewriter.ToFeatureExtractor</c>).</param>
    /// <param name="stage">Its stage from the boundary to <c>OnnxGraphRewriter.OutputName</c>.</param>
    /// <param name="threads">Intra-op threads (0: one per processor).</param>
    public StageSession(ModelProto featureExtractor, OnnxStage stage, int threads)
    {
        var graph = new GraphProto { Name = "stage" };
        graph.Node.Add(stage.Nodes.Select(n => n.Clone()));
        graph.Initializer.Add(stage.Initializers.Values.Select(i => i.Clone()));
        graph.Input.Add(FloatTensor(stage.Input, 4));
        graph.Output.Add(FloatTensor(stage.Output, 2));
        var model = new ModelProto
        {
            IrVersion = featureExtractor.IrVersion,
            Graph = graph,
        };
        model.OpsetImport.Add(featureExtractor.OpsetImport);
        _input = stage.Input;
        _session = BackboneRunner.CreateSession(model.ToByteArray(), threads, cudaDevice: null);
    }

    /// <summary>Features of <paramref name="count"/> maps of shape <paramref name="map"/> (channels, height, width),
    /// back to back in <paramref name="maps"/>.</summary>
    public float[] Run(float[] maps, int count, int[] map)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(maps, [count, map[0], map[1], map[2]]);
        using var outputs = _session.Run(new RunOptions(), [_input], [input], _outputs);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static ValueInfoProto FloatTensor(string name, int rank)
    {
        var shape = new TensorShapeProto();
        for (var d = 0; d < rank; d++) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = $"d{d}" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    public void Dispose() => _session.Dispose();
}
