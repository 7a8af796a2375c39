using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Features;

/// <summary>How a <see cref="BottleneckFeaturizer"/> runs.</summary>
public sealed class FeaturizerOptions
{
    /// <summary>Options with every setting at its default.</summary>
    public FeaturizerOptions()
    {
    }

    /// <summary>
    /// A copy of <paramref name="other"/>, to change a few settings with an object initializer:
    /// <c>new FeaturizerOptions(options) { CacheDirectory = "cache" }</c>.
    /// </summary>
    /// <param name="other">The options to copy.</param>
    public FeaturizerOptions(FeaturizerOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        BatchSize = other.BatchSize;
        HorizontalFlip = other.HorizontalFlip;
        CacheDirectory = other.CacheDirectory;
        DecodeThreads = other.DecodeThreads;
        Device = other.Device;
        InferenceThreads = other.InferenceThreads;
        ImageLimits = other.ImageLimits;
        Int8 = other.Int8;
        ModelStore = other.ModelStore;
    }

    /// <summary>Images per backbone call. Larger batches use the cores better, at a memory cost.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Also compute the features of each image's mirror image (left-right flip), decoded once: a training set twice
    /// the size for the head, and test-time averaging over both views. Doubles the backbone work.
    /// </summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>Folder of the on-disk feature cache, or null for no cache.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Images read and decoded at once, overlapping with inference.</summary>
    public int DecodeThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Where the backbone runs (default the CPU; see <see cref="Backbones.ExecutionDevice.Cuda"/>).</summary>
    public Backbones.ExecutionDevice Device { get; init; } = Backbones.ExecutionDevice.Cpu;

    /// <summary>Threads ONNX Runtime uses per batch (0: <see cref="Environment.ProcessorCount"/>).</summary>
    public int InferenceThreads { get; init; }

    /// <summary>What one image may cost (file size, pixels) before it is skipped with a reason instead of
    /// decoded.</summary>
    public Preprocessing.ImageLimits ImageLimits { get; init; } = Preprocessing.ImageLimits.Default;

    /// <summary>
    /// Runs the backbone in int8 with these calibrated ranges (see
    /// <see cref="Quantization.BackboneQuantizer.CalibrateAsync"/>;
    /// <c>TransferClassifierBuilder.WithInt8</c> calibrates for you); null (default): float32.
    /// </summary>
    public Quantization.Int8Calibration? Int8 { get; init; }

    /// <summary>
    /// Where backbone files are found and, for the entry points that download (<c>TransferClassifierBuilder</c>, the
    /// ML.NET estimator, the Shards package's <c>FeatureShards</c>), fetched from; null: a store with default
    /// settings.
    /// </summary>
    public Downloads.ModelStore? ModelStore { get; init; }

    /// <summary>The store in effect: <see cref="ModelStore"/> or the default one.</summary>
    internal Downloads.ModelStore Models => ModelStore ?? Downloads.ModelStore.Default;

    /// <summary>The default cache folder: <c>$XDG_CACHE_HOME</c> (or the platform's local application data) /
    /// transfer-learning / features.</summary>
    public static string DefaultCacheDirectory => Path.Combine(CacheFolders.Root, "features");

    /// <summary>Every invalid setting, e.g. "BatchSize must be at least 1 (got 0)".</summary>
    internal IReadOnlyList<string> Errors() => new OptionErrors()
        .Require(BatchSize >= 1, nameof(BatchSize), "must be at least 1", BatchSize)
        .Require(DecodeThreads >= 1, nameof(DecodeThreads), "must be at least 1", DecodeThreads)
        .Require(InferenceThreads >= 0, nameof(InferenceThreads), "must not be negative", InferenceThreads)
        .Require(Device is not null, nameof(Device), "must be set")
        .Require(ImageLimits is not null, nameof(ImageLimits), "must be set")
        .Include(nameof(ImageLimits), ImageLimits?.Errors() ?? [])
        .All;

    internal void Validate() => OptionErrors.ThrowIfAny(nameof(FeaturizerOptions), Errors());
}
