using System.Diagnostics;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.FineTuning;
using TransferLearning.ImageClassification.FineTuning.Graph;
using static TorchSharp.torch;

namespace TransferLearning.Benchmarks;

/// <summary>
/// How fast the real ResNet18's last stage, built from its ONNX graph, trains from cached layer3 maps: forward,
/// backward and an AdamW step on random [batch, 256, 14, 14] maps and labels, plus a 10-class dense layer. Needs
/// LibTorch (on these Debian 12 machines, in the Debian 13 root: .ci/debian13.sh).
/// </summary>
internal static class StageTrainingBenchmark
{
    /// <summary>stage [--batch 32] [--steps 10] [--whole]</summary>
    public static void Run(string[] args)
    {
        if (!LibTorch.IsAvailable(out var reason)) throw new InvalidOperationException(reason);
        var batch = int.Parse(Option(args, "--batch") ?? "32");
        var steps = int.Parse(Option(args, "--steps") ?? "10");
        torch.set_num_threads(Environment.ProcessorCount);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(BackboneCatalog.ResNet18.ModelPath!));
        // --whole: every layer from the image input, as fine-tuning the whole network would train.
        var whole = args.Contains("--whole");
        using var stage = new OnnxStageModule(OnnxStage.Between(model.Graph,
            whole ? BackboneCatalog.ResNet18.InputName! : BackboneCatalog.ResNet18Layer3.FeatureNode!,
            BackboneCatalog.ResNet18.FeatureNode!));
        using var head = nn.Linear(512, 10);
        // As fine-tuning trains (and benchmarks/pytorch/stage_training.py): the backbone at 3e-5, the head at 1e-3.
        using var optimizer = optim.AdamW(
            [new AdamW.ParamGroup(stage.parameters(), 3e-5, weight_decay: 0.01),
                new AdamW.ParamGroup(head.parameters(), 1e-3, weight_decay: 0.01)], 1e-3);
        using var maps = whole ? torch.randn(batch, 3, 224, 224) : torch.randn(batch, 256, 14, 14);
        using var labels = torch.randint(0, 10, batch);
        void Step()
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.cross_entropy(head.call(stage.call(maps).flatten(1)), labels).backward();
            optimizer.step();
        }
        Step();
        Step();
        var clock = Stopwatch.StartNew();
        for (var s = 0; s < steps; s++) Step();
        var trained = stage.parameters().Sum(p => p.numel());
        Console.WriteLine($"resnet18 {(whole ? "whole network from 224x224 images" : "last stage from layer3 maps")} ({stage.Weights.Count} initializers, {trained:N0} " +
            $"trained weights), batch {batch}, {torch.get_num_threads()} threads: " +
            $"{steps * batch / clock.Elapsed.TotalSeconds:F1} img/s");
    }

    private static string? Option(string[] args, string name) =>
        args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
