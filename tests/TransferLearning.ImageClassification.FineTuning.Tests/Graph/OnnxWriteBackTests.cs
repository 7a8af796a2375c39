using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using TransferLearning.ImageClassification.FineTuning.Graph;
using static TorchSharp.torch;

namespace TransferLearning.ImageClassification.FineTuning.Tests.Graph;

/// <summary>Trained weights go back into the graph they came from, and ONNX Runtime then computes what TorchSharp
/// trained.</summary>
public class OnnxWriteBackTests
{
    [TorchFact]
    public void After_training_steps_onnx_runtime_on_the_written_back_graph_equals_the_module_within_1e5()
    {
        var stage = OnnxStageModuleTests.SmallGraph(out var input);
        var model = OnnxStageModuleTests.SmallModel(stage);
        using var module = new OnnxStageModule(stage);
        var random = new Random(11);
        var x = Enumerable.Range(0, 50).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        using var tensor = torch.tensor(x, [1L, 2, 5, 5]);
        using var optimizer = optim.SGD(module.parameters(), 0.5);
        for (var step = 0; step < 3; step++)
        {
            optimizer.zero_grad();
            module.call(tensor).pow(2).sum().backward();
            optimizer.step();
        }
        var trained = module.call(tensor).data<float>().ToArray();

        var written = OnnxWriteBack.With(model, module);
        using var session = new InferenceSession(written.ToByteArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, new DenseTensor<float>(x, new[] { 1, 2, 5, 5 }))]);
        using var original = new InferenceSession(model.ToByteArray());
        using var before = original.Run([NamedOnnxValue.CreateFromTensor(input, new DenseTensor<float>(x, new[] { 1, 2, 5, 5 }))]);

        Assert.All(results[0].AsTensor<float>().ToArray().Zip(trained), p => Assert.Equal(p.First, p.Second, 1e-5));
        Assert.NotEqual(before[0].AsTensor<float>().ToArray(), results[0].AsTensor<float>().ToArray()); // it did train
        // Only the trained initializers changed: the running statistics, and everything else, are as they were.
        var changed = written.Graph.Initializer.Zip(model.Graph.Initializer).Where(p => !p.First.Equals(p.Second)).Select(p => p.First.Name);
        Assert.Equal(module.TrainedWeights.Keys.Order(), changed.Order());
        Assert.Equal(model.Graph.Node, written.Graph.Node);
    }
}
