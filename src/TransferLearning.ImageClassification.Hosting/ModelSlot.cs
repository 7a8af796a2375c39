using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.ImageClassification.Hosting;

/// <summary>
/// Holds the model being served and swaps in a new one atomically. Each prediction leases the model it started
/// with, so a swap never disturbs requests in flight: the old model is disposed when its last lease ends. A file
/// that does not load leaves the old model serving, and the reason is kept for the health check.
/// </summary>
internal sealed class ModelSlot(IOptions<ClassifierOptions> options, ILogger<ModelSlot> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private Lease? _current;

    /// <summary>What is served now, or null before the first model loaded.</summary>
    public ServedModel? Model { get; private set; }

    /// <summary>Why the last load failed; null once a load succeeds.</summary>
    public string? LoadError { get; private set; }

    /// <exception cref="InvalidOperationException">No model is loaded.</exception>
    public Lease Acquire()
    {
        lock (_gate)
        {
            var lease = _current
                ?? throw new InvalidOperationException($"No model is loaded: {LoadError ?? "not loaded yet"}");
            lease.AddReference();
            return lease;
        }
    }

    /// <summary>Loads the configured model file and, if it loads, serves it from now on.</summary>
    public bool TryLoad()
    {
        var path = options.Value.ModelPath;
        try
        {
            var classifier = TransferClassifier.Load(path, options: new FeaturizerOptions
            {
                ModelStore = options.Value.ModelDirectory is { } models
                    ? new ModelStore(new ModelStoreOptions { Directory = models }) : null,
            }, logger: logger);
            var model = new ServedModel(Path.GetFullPath(path), classifier.Classes, classifier.Backbone.Name,
                classifier.BackboneSha256, classifier.Backbone.InputSize.ToString(), DateTimeOffset.UtcNow);
            Lease? old;
            lock (_gate)
            {
                (old, _current) = (_current, new Lease(classifier));
                (Model, LoadError) = (model, null);
            }
            old?.Dispose();
            logger.LogInformation("Serving {Path}: {Backbone}, classes {Classes}", model.Path, model.Backbone,
                string.Join(", ", model.Classes));
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LoadError = $"'{path}' did not load: {e.Message}";
            logger.LogError(e, "{Reason}{Keeping}", LoadError, Model is null ? ""
                : $"; still serving the model loaded at {Model.LoadedAt:u}");
            return false;
        }
    }

    public void Dispose()
    {
        lock (_gate) _current?.Dispose();
    }

    /// <summary>One loaded classifier and the number of holders: the slot, and each prediction using it.</summary>
    internal sealed class Lease(TransferClassifier classifier) : IDisposable
    {
        private int _references = 1;

        public TransferClassifier Classifier { get; } = classifier;

        public void AddReference() => Interlocked.Increment(ref _references);

        public void Dispose()
        {
            if (Interlocked.Decrement(ref _references) == 0) Classifier.Dispose();
        }
    }
}
