using System.Diagnostics;
using Microsoft.Extensions.Options;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Explanations;

namespace TransferLearning.ImageClassification.Hosting;

/// <summary>
/// The classifier a service answers with: inject it and call <see cref="PredictAsync"/>. Concurrent calls are
/// gathered into backbone batches (<see cref="ClassifierOptions.Batching"/>); a replaced model file is swapped in
/// without disturbing calls in flight. Registered by <c>AddTransferClassifier</c>.
/// </summary>
public sealed class ServedClassifier
{
    private readonly ModelSlot _slot;
    private readonly PredictionBatcher _batcher;
    private readonly bool _batching;

    /// <summary>The meter of the service's instruments (classifier.predictions, classifier.unfamiliar,
    /// classifier.batch.size, classifier.prediction.duration), for OpenTelemetry's <c>AddMeter</c>.</summary>
    public const string MeterName = ClassifierMetrics.MeterName;

    internal ServedClassifier(ModelSlot slot, PredictionBatcher batcher, IOptions<ClassifierOptions> options) =>
        (_slot, _batcher, _batching) = (slot, batcher, options.Value.Batching);

    /// <summary>The model answering now; null until one has loaded.</summary>
    public ServedModel? Model => _slot.Model;

    /// <summary>Why the model file last failed to load (the previous model, if any, still answers); null after a good
    /// load.</summary>
    public string? LoadError => _slot.LoadError;

    /// <summary>Classifies one encoded image: a prediction, or the reason the image cannot be used.</summary>
    /// <exception cref="InvalidOperationException">No model is loaded.</exception>
    public Task<BatchPrediction> PredictAsync(byte[] image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (_batching) return _batcher.EnqueueAsync(image, cancellationToken);
        var alone = new PredictionBatcher.Pending(
            image, Stopwatch.GetTimestamp(), new TaskCompletionSource<BatchPrediction>());
        _batcher.Run([alone]);
        return alone.Answer.Task;
    }

    /// <summary>
    /// Classifies one encoded image and explains it (<see cref="ClassifierExplanations.Explain"/>) with the model
    /// answering now; not batched (a heatmap is asked for one image at a time).
    /// </summary>
    /// <exception cref="Preprocessing.ImageDecodeException">The bytes are not a usable image.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not one of the model's classes.</exception>
    /// <exception cref="NotSupportedException">The model's head or backbone cannot be explained.</exception>
    /// <exception cref="InvalidOperationException">No model is loaded.</exception>
    public Task<Explanation> ExplainAsync(
        byte[] image, string? target = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Task.Run(() =>
        {
            using var lease = _slot.Acquire();
            return lease.Classifier.Explain(image, target);
        }, cancellationToken);
    }
}
