using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Onnx;
using TorchSharp;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.FineTuning.Graph;
using TransferLearning.ImageClassification.FineTuning.Maps;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Training;

namespace TransferLearning.ImageClassification.FineTuning.Training;

/// <summary>
/// Fine-tuning after the head: the frozen part's maps computed once and cached, the stage after them built from the
/// backbone's ONNX graph and trained with the head, the trained weights written back into the backbone (checked
/// against ONNX Runtime), and the classifier re-scored and its novelty detector refitted on the new features. Returns
/// the frozen classifier, saying so, when fine-tuning did not beat it on validation.
/// </summary>
internal sealed class BackboneTuning(FineTuningOptions options) : IBackboneTuning
{
    /// <summary>Largest difference allowed between ONNX Runtime on the written-back graph and the trained module
    /// (relative above 1).</summary>
    internal const double Tolerance = 1e-4;

    private const int VerifiedMaps = 64;

    public void Validate(TrainingSettings settings)
    {
        options.Validate();
        if (settings.Head is not HeadOptions)
            throw new InvalidOperationException("WithFineTuning trains the dense head (HeadOptions) with the backbone; " +
                $"head '{settings.Head.Name}' is not one. Use WithHead(new HeadOptions {{ ... }}) or no WithHead.");
        if (settings.Features is not null)
            throw new InvalidOperationException("WithFineTuning runs the backbone on images; shard files hold only " +
                "features. Use WithImages.");
        if (settings.Int8 is not null)
            throw new InvalidOperationException("WithFineTuning with WithInt8 is not supported: fine-tuning trains in " +
                "float32. Leave out WithInt8.");
        Boundary(settings.Backbone);
        if (!LibTorch.IsAvailable(out var reason)) throw new InvalidOperationException(reason);
    }

    /// <summary>The tensor the trained part starts from.</summary>
    /// <exception cref="InvalidOperationException">The backbone lists too few stage boundaries and none was
    /// named.</exception>
    internal string Boundary(BackboneSpec backbone) => options.Boundary ?? (
        backbone.StageBoundaries.Count >= options.Stages ? backbone.StageBoundaries[^options.Stages]
        : throw new InvalidOperationException(
            $"Backbone '{backbone.Name}' lists {backbone.StageBoundaries.Count} stage boundaries " +
            $"(BackboneSpec.StageBoundaries), so FineTuningOptions.Stages = {options.Stages} cannot be trained. Lower " +
            "Stages, or name the tensor to train from with FineTuningOptions.Boundary."));

    public async Task<TrainingResult> TuneAsync(FrozenRun frozen, CancellationToken cancellationToken)
    {
        var (s, classifier) = (frozen.Settings, frozen.Result.Classifier);
        var boundary = Boundary(s.Backbone);
        var head = (DenseHead)classifier.Head;
        var spec = new BackboneSpec(s.Backbone) { Sha256 = classifier.BackboneSha256 };
        var (bytes, _) = BackboneRunner.ReadModel(spec, s.Featurizer.Models.Options.Directory);
        var extractor = ModelProto.Parser.ParseFrom(OnnxGraphRewriter.ToFeatureExtractor(bytes, spec).Model);
        var stagePart = OnnxStage.Between(extractor.Graph, boundary, OnnxGraphRewriter.OutputName);
        var lookup = new SplitFeatures(classifier.Classes, frozen.Split, frozen.Features);
        if (lookup.Count(1) == 0)
            throw new InvalidOperationException("Fine-tuning needs validation images, to stop early and to keep the " +
                "frozen model when fine-tuning does not beat it; give WithSplit a validation share.");
        // Its ONNX Runtime session keeps the memory of its largest batch (about 0.8 GB for ResNet18 at 224); the maps'
        // session and LibTorch need it more. The frozen model is made again if it is the one returned.
        classifier.Dispose();

        var clock = Stopwatch.StartNew();
        var temporary = s.Featurizer.CacheDirectory is null
            ? Directory.CreateTempSubdirectory("transfer-learning-maps-").FullName : null;
        try
        {
            var paths = frozen.Split.Train.Concat(frozen.Split.Validation).Concat(frozen.Split.Test)
                .Select(i => i.Path).ToArray();
            var maps = await StageMaps.ComputeAsync(
                spec, boundary, s.Featurizer, temporary ?? s.Featurizer.CacheDirectory!, paths,
                frozen.Features.ContentHashes ?? new string?[paths.Length], s.Logger, cancellationToken)
                .ConfigureAwait(false);
            var mapSeconds = clock.Elapsed.TotalSeconds;
            FreedMemory.Release();
            Row[] Part(int part) => [.. lookup.Rows(part).Where(r => maps.Has(r.At)).Select(r => new Row(r.At, r.Label))];
            var (training, validation) = (Part(0), Part(1));

            clock.Restart();
            var trained = Train(frozen, spec, bytes, boundary, stagePart, head, maps, training, validation,
                cancellationToken);
            using var session = trained.Session;
            var outcome = trained.Outcome;
            var history = frozen.Result.Report.History.Concat(outcome.History).ToArray();
            FineTuningReport Report() => new(boundary, options.Boundary is null ? options.Stages : 0,
                trained.TrainedWeights, outcome.History.Count, outcome.BestEpoch, options.BackboneLearningRate,
                options.HeadLearningRate, outcome.ImagesPerSecond, mapSeconds, clock.Elapsed.TotalSeconds)
            {
                FrozenValidationLoss = outcome.Frozen.Loss,
                FrozenValidationAccuracy = outcome.Frozen.Accuracy,
                ValidationLoss = outcome.Kept.Loss,
                ValidationAccuracy = outcome.Kept.Accuracy,
                FrozenTest = frozen.Result.Report.Test,
                Helped = outcome.Helped,
                VerifiedDifference = trained.Difference,
            };
            string[] stopped = outcome.Stopped is { } why && why.Contains("finite", StringComparison.Ordinal)
                ? [$"Fine-tuning stopped: {why}; the best weights before it were kept."] : [];
            if (trained.Weights is not { } weights || trained.Head is not { } tunedHead || session is null)
            {
                s.Logger.LogWarning("Fine-tuning did not beat the frozen model on validation; returning the frozen one");
                var again = new TransferClassifier(BottleneckFeaturizer.Create(spec, s.Featurizer, s.Logger), head,
                    classifier.Classes, classifier.Novelty);
                return new TrainingResult(again, frozen.Result.Report.FineTuned(frozen.Result.Report.Test, history,
                    frozen.Result.Report.Novelty, Report(), [.. stopped,
                        "Fine-tuning did not help: no epoch had a lower validation loss with no lower validation " +
                        $"accuracy than the frozen model (loss {outcome.Frozen.Loss:F4}, accuracy " +
                        $"{outcome.Frozen.Accuracy:F4}), so the frozen model was kept."]));
            }

            FreedMemory.Release(); // LibTorch's, before ONNX Runtime scores every image
            var tuned = new BackboneSpec(spec) { TunedWeights = weights };
            var tunedLookup = new SplitFeatures(classifier.Classes, frozen.Split, Features(session, maps, paths.Length));
            var (_, test) = tunedLookup.Evaluate(null, tunedHead);
            var (novelty, noveltyReport) = s.Novelty is { } noveltyOptions
                && tunedHead.FeatureSize <= Novelty.NoveltyDetector.MaxFeatures
                ? HeadRun.FitNovelty(noveltyOptions, tunedLookup.Examples(0), tunedLookup, classifier.Classes.Count)
                : (null, null);
            var featurizer = BottleneckFeaturizer.Create(tuned, s.Featurizer, s.Logger);
            var result = new TrainingResult(
                new TransferClassifier(featurizer, tunedHead, classifier.Classes, novelty),
                frozen.Result.Report.FineTuned(test, history, noveltyReport, Report(), stopped));
            s.Logger.LogInformation(
                "Fine-tuned {Boundary} onwards: validation loss {Before:F4} -> {After:F4}, accuracy {BeforeAccuracy:F4} -> {AfterAccuracy:F4}; ONNX Runtime within {Difference:G2} of the trained module",
                boundary, outcome.Frozen.Loss, outcome.Kept.Loss, outcome.Frozen.Accuracy, outcome.Kept.Accuracy,
                trained.Difference);
            return result;
        }
        finally
        {
            try
            {
                if (temporary is not null) Directory.Delete(temporary, recursive: true);
            }
            catch (IOException e)
            {
                s.Logger.LogWarning("Could not delete the temporary map folder {Folder}: {Reason}", temporary, e.Message);
            }
        }
    }

    /// <summary>What the LibTorch part leaves: the outcome, and when it helped, the weights written back, the head, and
    /// ONNX Runtime on the fine-tuned stage (checked against the module, which is gone when this returns).</summary>
    private sealed record Trained(TrainingOutcome Outcome, long TrainedWeights, BackboneWeights? Weights, DenseHead? Head,
        StageSession? Session, double Difference);

    private Trained Train(FrozenRun frozen, BackboneSpec spec, byte[] bytes, string boundary, OnnxStage stagePart,
        DenseHead head, StageMaps maps, Row[] training, Row[] validation, CancellationToken cancellationToken)
    {
        var s = frozen.Settings;
        torch.set_num_threads(options.Threads > 0 ? options.Threads : Environment.ProcessorCount);
        using var stage = new OnnxStageModule(stagePart);
        using var torchHead = new TorchHead(head, ((HeadOptions)s.Head).Dropout);
        var trainer = new StageTrainer(stage, torchHead, maps, options);
        var outcome = trainer.Train(training, validation, s.Seed, frozen.Result.Report.History.Count, s.OnEpoch,
            s.Logger, cancellationToken);
        var count = stage.TrainedWeights.Values.Sum(w => w.numel());
        if (!outcome.Helped) return new Trained(outcome, count, null, null, null, 0);
        // A backbone fine-tuned before keeps what that run trained outside this stage.
        var weights = BackboneWeights.Merge(spec.TunedWeights, OnnxWriteBack.Weights(stage));
        var tunedExtractor = ModelProto.Parser.ParseFrom(OnnxGraphRewriter.ToFeatureExtractor(
            weights.Apply(bytes), new BackboneSpec(spec) { TunedWeights = weights }).Model);
        var session = new StageSession(tunedExtractor,
            OnnxStage.Between(tunedExtractor.Graph, boundary, OnnxGraphRewriter.OutputName), s.Featurizer.InferenceThreads);
        try
        {
            return new Trained(outcome, count, weights, torchHead.ToDenseHead(), session,
                Verify(trainer, session, maps, validation));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The largest difference (relative above 1) between ONNX Runtime on the written-back graph and the
    /// trained module, on up to 64 validation maps.</summary>
    /// <exception cref="InvalidOperationException">It is above <see cref="Tolerance"/>.</exception>
    private static double Verify(StageTrainer trainer, StageSession session, StageMaps maps, IReadOnlyList<Row> rows)
    {
        var count = Math.Min(rows.Count, VerifiedMaps);
        var input = new float[count * maps.Floats];
        for (var k = 0; k < count; k++) maps.Read(rows[k].At, 0, input.AsSpan(k * maps.Floats, maps.Floats));
        var (expected, actual) = (trainer.Features(input, count), session.Run(input, count, maps.Shape));
        var difference = expected.Zip(actual, (e, a) => Math.Abs(e - a) / Math.Max(1, Math.Abs(e))).Max();
        if (!(difference <= Tolerance))
            throw new InvalidOperationException($"ONNX Runtime on the fine-tuned backbone differs from the trained " +
                $"module by {difference:G3} (allowed {Tolerance:G1}): an operator of the stage is not translated " +
                "exactly. Please report the backbone.");
        return difference;
    }

    /// <summary>Every view's features of every image with maps, as ONNX Runtime computes them from the maps.</summary>
    private static FeaturizationResult Features(StageSession session, StageMaps maps, int images)
    {
        var views = Enumerable.Range(0, maps.Views).Select(_ => new float[images][]).ToArray();
        var input = new float[VerifiedMaps * maps.Floats];
        foreach (var chunk in Enumerable.Range(0, images).Where(maps.Has).Chunk(VerifiedMaps))
            for (var view = 0; view < maps.Views; view++)
            {
                for (var k = 0; k < chunk.Length; k++) maps.Read(chunk[k], view, input.AsSpan(k * maps.Floats, maps.Floats));
                var features = session.Run(input[..(chunk.Length * maps.Floats)], chunk.Length, maps.Shape);
                var size = features.Length / chunk.Length;
                for (var k = 0; k < chunk.Length; k++) views[view][chunk[k]] = features[(k * size)..((k + 1) * size)];
            }
        return new FeaturizationResult(views[0], maps.Views == 2 ? views[1] : null, [], 0, images, TimeSpan.Zero);
    }
}
