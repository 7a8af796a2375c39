using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ImageClassification.FineTuning.Graph;
using TransferLearning.ImageClassification.FineTuning.Maps;
using TransferLearning.ImageClassification.Head;
using static TorchSharp.torch;

namespace TransferLearning.ImageClassification.FineTuning.Training;

/// <summary>One image of a part: its index in the run and its class.</summary>
internal readonly record struct Row(int At, int Label);

/// <summary>Validation loss (of the view-averaged probabilities, as prediction gives them) and accuracy.</summary>
internal readonly record struct Score(double Loss, double Accuracy);

/// <summary>What training did: the epochs, the frozen and the kept model's validation scores, and the speed.</summary>
internal sealed record TrainingOutcome(
    IReadOnlyList<EpochMetrics> History, int BestEpoch, Score Frozen, Score Kept, double ImagesPerSecond,
    string? Stopped)
{
    /// <summary>Whether the kept weights are the fine-tuned ones: lower validation loss, accuracy no lower.</summary>
    public bool Helped => BestEpoch > 0;
}

/// <summary>
/// Trains a stage and the head on cached maps: AdamW with a rate for the backbone and one for the head, a linear
/// warm-up then cosine decay, early stopping on validation loss, and the best epoch's weights restored at the end
/// (the frozen ones when no epoch beat them). Each epoch shows each training image once, as itself or its mirror image
/// at random; seeded.
/// </summary>
internal sealed class StageTrainer(OnnxStageModule stage, TorchHead head, StageMaps maps, FineTuningOptions options)
{
    private const int EvaluationBatch = 64;

    public TrainingOutcome Train(
        IReadOnlyList<Row> training, IReadOnlyList<Row> validation, int seed, int firstEpoch,
        Action<EpochMetrics>? onEpoch, ILogger logger, CancellationToken cancellationToken)
    {
        torch.manual_seed(seed);
        var random = new Random(seed);
        var parameters = stage.parameters().Concat(head.parameters()).ToArray();
        var best = Snapshot(parameters);
        var frozen = Evaluate(validation);
        var (kept, bestEpoch, history, stopped) = (frozen, 0, new List<EpochMetrics>(), (string?)null);
        logger.LogInformation("Fine-tuning from validation loss {Loss:F4}, accuracy {Accuracy:F4}",
            frozen.Loss, frozen.Accuracy);

        var stepsPerEpoch = (training.Count + options.BatchSize - 1) / options.BatchSize;
        var curve = LearningRateCurve.For(stepsPerEpoch * options.Epochs, options.WarmupShare);
        double[] peaks = [options.BackboneLearningRate, options.HeadLearningRate];
        using var optimizer = optim.AdamW(
        [
            new AdamW.ParamGroup(stage.parameters(), options.BackboneLearningRate, weight_decay: options.WeightDecay),
            new AdamW.ParamGroup(head.parameters(), options.HeadLearningRate, weight_decay: options.WeightDecay),
        ], options.HeadLearningRate);
        var (step, trainSeconds, trained) = (0, 0.0, 0L);
        var (batch, labels) = (new float[options.BatchSize * maps.Floats], new long[options.BatchSize]);
        for (var epoch = 1; epoch <= options.Epochs && stopped is null; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var order = training.ToArray();
            random.Shuffle(order);
            var (lossSum, correct) = (0.0, 0L);
            stage.train();
            head.train();
            foreach (var rows in order.Chunk(options.BatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var k = 0; k < rows.Length; k++)
                {
                    maps.Read(rows[k].At, random.Next(maps.Views), batch.AsSpan(k * maps.Floats, maps.Floats));
                    labels[k] = rows[k].Label;
                }
                var share = curve.At(step++);
                foreach (var (group, peak) in optimizer.ParamGroups.Zip(peaks)) group.LearningRate = peak * share;
                using var scope = NewDisposeScope();
                var x = Batch(batch, rows.Length);
                var y = tensor(labels.AsSpan(0, rows.Length).ToArray());
                optimizer.zero_grad();
                var logits = head.call(stage.call(x).flatten(1));
                var loss = nn.functional.cross_entropy(logits, y);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * rows.Length;
                correct += logits.argmax(1).eq(y).sum().item<long>();
            }
            trainSeconds += clock.Elapsed.TotalSeconds;
            trained += order.Length;
            var score = Evaluate(validation);
            var metrics = new EpochMetrics(firstEpoch + epoch, lossSum / order.Length, correct / (double)order.Length,
                score.Loss, score.Accuracy, options.BackboneLearningRate * curve.At(step - 1))
            { Phase = EpochMetrics.FineTuningPhase };
            history.Add(metrics);
            onEpoch?.Invoke(metrics);
            logger.LogInformation("{Metrics} ({Seconds:F0} s)", metrics, clock.Elapsed.TotalSeconds);
            if (!double.IsFinite(metrics.TrainLoss) || !double.IsFinite(score.Loss))
                stopped = $"the loss stopped being finite at fine-tuning epoch {epoch}";
            else if (score.Loss < kept.Loss && score.Accuracy >= frozen.Accuracy)
            {
                (kept, bestEpoch) = (score, firstEpoch + epoch);
                Dispose(best);
                best = Snapshot(parameters);
            }
            else if (firstEpoch + epoch - Math.Max(bestEpoch, firstEpoch) >= options.Patience)
                stopped = $"validation loss did not improve for {options.Patience} epoch(s)";
        }
        Restore(parameters, best);
        Dispose(best);
        return new TrainingOutcome(history, bestEpoch, frozen, kept,
            trainSeconds > 0 ? trained / trainSeconds : 0, stopped);
    }

    /// <summary>Features of <paramref name="count"/> maps in <paramref name="input"/>, as the trained module gives
    /// them.</summary>
    public float[] Features(float[] input, int count)
    {
        stage.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = Batch(input, count);
        return stage.call(x).flatten(1).data<float>().ToArray();
    }

    /// <summary>Validation loss of the views' mean probabilities, and accuracy, with dropout off.</summary>
    private Score Evaluate(IReadOnlyList<Row> rows)
    {
        stage.eval();
        head.eval();
        var (loss, correct) = (0.0, 0);
        var input = new float[EvaluationBatch * maps.Floats];
        foreach (var chunk in rows.Chunk(EvaluationBatch))
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            Tensor? sum = null;
            for (var view = 0; view < maps.Views; view++)
            {
                for (var k = 0; k < chunk.Length; k++)
                    maps.Read(chunk[k].At, view, input.AsSpan(k * maps.Floats, maps.Floats));
                var x = Batch(input, chunk.Length);
                var probabilities = nn.functional.softmax(head.call(stage.call(x).flatten(1)), 1);
                sum = sum is null ? probabilities : sum + probabilities;
            }
            var mean = (sum! / maps.Views).data<float>().ToArray();
            var classes = mean.Length / chunk.Length;
            for (var k = 0; k < chunk.Length; k++)
            {
                var p = mean.AsSpan(k * classes, classes);
                loss -= Math.Log(Math.Max(p[chunk[k].Label], 1e-12f));
                if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p) == chunk[k].Label) correct++;
            }
        }
        return new Score(loss / rows.Count, correct / (double)rows.Count);
    }

    /// <summary>The first <paramref name="count"/> maps of <paramref name="buffer"/> as a [count, C, H, W] tensor (a
    /// copy: LibTorch owns its memory); the buffer itself when it is full, so no array is made per step.</summary>
    private Tensor Batch(float[] buffer, int count) => tensor(
        count * maps.Floats == buffer.Length ? buffer : buffer[..(count * maps.Floats)],
        [count, .. maps.Shape.Select(d => (long)d)]);

    private static Tensor[] Snapshot(Parameter[] parameters) => [.. parameters.Select(p =>
    {
        using var detached = p.detach();
        return detached.clone();
    })];

    private static void Restore(Parameter[] parameters, Tensor[] values)
    {
        using var _ = no_grad();
        for (var i = 0; i < parameters.Length; i++) parameters[i].copy_(values[i]);
    }

    private static void Dispose(Tensor[] tensors)
    {
        foreach (var t in tensors) t.Dispose();
    }
}
