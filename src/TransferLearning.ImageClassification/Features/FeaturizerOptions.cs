using TransferLearning.ImageClassification.IO;
namespace TransferLearning.ImageClassification.Features;

/// <summary>How a <see cref="BottleneckFeaturizer"/> runs.</summary>
public sealed class FeaturizerOptions
{
    /// <summary>New options with the settings of the defaults.</summary>
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
        ModelDirectory = other.ModelDirectory;
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

    /// <summary>What one image may cost (file size, pixels) before it is skipped with a reason instead of decoded.</summary>
    public Preprocessing.ImageLimits ImageLimits { get; init; } = Preprocessing.ImageLimits.Default;

    /// <summary>
    /// Runs the backbone in int8 with these calibrated ranges (see <see cref="Quantization.BackboneQuantizer.CalibrateAsync"/>;
    /// <c>TransferClassifierBuilder.WithInt8</c> calibrates for you); null (default): float32.
    /// </summary>
    public Quantization.Int8Calibration? Int8 { get; init; }

    /// <summary>Folder of downloaded backbones (null: <see cref="Downloads.ModelStoreOptions.DefaultDirectory"/>).</summary>
    public string? ModelDirectory { get; init; }

    /// <summary>The default cache folder: <c>$XDG_CACHE_HOME</c> (or the platform's local application data) / transfer-learning / features.</summary>
    public static string DefaultCacheDirectory => Path.Combine(CacheFolders.Root, "features");

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(DecodeThreads, 1, nameof(DecodeThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(InferenceThreads, nameof(InferenceThreads));
        ArgumentNullException.ThrowIfNull(Device, nameof(Device));
        ArgumentNullException.ThrowIfNull(ImageLimits, nameof(ImageLimits));
        ImageLimits.Validate();
    }
}
