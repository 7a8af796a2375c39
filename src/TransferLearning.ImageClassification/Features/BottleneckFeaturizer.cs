using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Quantization;

namespace TransferLearning.ImageClassification.Features;

/// <summary>
/// Images → bottleneck features: read, decode, resize and normalise on <see cref="FeaturizerOptions.DecodeThreads"/>
/// workers while the backbone runs full batches, with an optional on-disk cache in front.
/// Thread-safe; one instance holds one warm ONNX Runtime session.
/// </summary>
public sealed class BottleneckFeaturizer : IDisposable
{
    private readonly BackboneRunner _runner;
    private readonly ImagePreprocessor _preprocessor;
    private readonly FeatureCache? _cache;
    private readonly FeaturizerOptions _options;

    private BottleneckFeaturizer(BackboneRunner runner, FeaturizerOptions options)
    {
        _runner = runner;
        _options = options;
        var spec = runner.Spec;
        _preprocessor = new ImagePreprocessor(spec.InputSize, spec.Layout, spec.Normalization, options.ImageLimits);
        Views = options.HorizontalFlip ? 2 : 1;
        Fingerprint = spec.Fingerprint(runner.ModelSha256)
            + $"|mean={_preprocessor.MeanFingerprint}|pixels={ImagePreprocessor.Version}@skia{ImageDecoder.SkiaVersion}"
            + $"|views={Views}"
            + (options.Int8 is { } int8 ? $"|int8={int8.Fingerprint}" : "");
        _cache = options.CacheDirectory is { } directory ? new FeatureCache(directory, Fingerprint) : null;
    }

    /// <summary>Loads the backbone and prepares the pipeline.</summary>
    /// <param name="backbone">The backbone to run.</param>
    /// <param name="options">Batch size, cache, threads, device.</param>
    /// <param name="logger">Receives the warning when the GPU is unusable and the CPU is used instead.</param>
    /// <exception cref="BackboneNotFoundException">The backbone's file is missing.</exception>
    /// <exception cref="BackboneMismatchException">The backbone's file is not the pinned one.</exception>
    /// <exception cref="ExecutionDeviceException">The GPU cannot be used and fallback to the CPU is off.</exception>
    public static BottleneckFeaturizer Create(
        BackboneSpec backbone, FeaturizerOptions? options = null, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        options ??= new FeaturizerOptions();
        options.Validate();
        WarnAboutLargeInput(backbone, options, logger);
        var int8 = options.Int8;
        var runner = BackboneRunner.Load(
            backbone, options.InferenceThreads, options.Device, logger, options.Models.Options.Directory,
            int8 is null ? null : (rewrite, sha256) => BackboneQuantizer.Build(rewrite, sha256, backbone, int8));
        return new BottleneckFeaturizer(runner, options);
    }

    /// <summary>
    /// Above 512 pixels a side, says roughly what the backbone's activations will take: about 150 bytes per input pixel
    /// per image of a batch plus 0.6 GB, measured on ResNet18 at 224 to 1024 pixels (VGG16 takes several times more).
    /// </summary>
    private static void WarnAboutLargeInput(
        BackboneSpec backbone, FeaturizerOptions options, Microsoft.Extensions.Logging.ILogger? logger)
    {
        var size = backbone.InputSize;
        if (logger is null || Math.Max(size.Width, size.Height) <= 512) return;
        var gigabytes = (0.6e9 + 150.0 * size.Width * size.Height * options.BatchSize) / 1e9;
        Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger,
            "Input size {Size} at batch size {BatchSize}: backbone '{Backbone}' will need roughly {Gigabytes:F1} GB of memory; lower FeaturizerOptions.BatchSize (or the size) if that is short.",
            size, options.BatchSize, backbone.Name, gigabytes);
    }

    /// <summary>The backbone in use.</summary>
    public BackboneSpec Backbone => _runner.Spec;

    /// <summary>SHA-256 of the backbone's ONNX file.</summary>
    internal string BackboneSha256 => _runner.ModelSha256;

    /// <summary>Where the backbone actually runs.</summary>
    public ExecutionDevice Device => _runner.Device;

    /// <summary>Features per image.</summary>
    public int FeatureSize => _runner.FeatureSize;

    /// <summary>Feature vectors per image: 1, or 2 with <see cref="FeaturizerOptions.HorizontalFlip"/> (the image, then
    /// its mirror image).</summary>
    internal int Views { get; }

    /// <summary>Input floats per image: every view's tensor back to back.</summary>
    internal int ImageFloats => _preprocessor.TensorLength * Views;

    /// <summary>The cache in front of the backbone, if any.</summary>
    internal FeatureCache? Cache => _cache;

    /// <summary>
    /// Features of encoded images, <see cref="FeatureSize"/> floats each, as <see cref="FeaturizeAsync"/> gives them
    /// for files; without the cache, <see cref="FeaturizerOptions.BatchSize"/> images per backbone call.
    /// </summary>
    /// <exception cref="ImageDecodeException">One of the images is not usable; the message says which and
    /// why.</exception>
    public float[][] FeaturizeEncoded(IReadOnlyList<byte[]> encodedImages) => Views == 1
        ? FeaturizeEncodedViews(encodedImages)
        : [.. FeaturizeEncodedViews(encodedImages).Select(views => views[..FeatureSize])];

    /// <summary>As <see cref="FeaturizeEncoded"/>, with every view: per image, <see cref="Views"/> vectors back to
    /// back (the image's, then its mirror image's).</summary>
    internal float[][] FeaturizeEncodedViews(IReadOnlyList<byte[]> encodedImages)
    {
        var results = TryFeaturizeEncoded(encodedImages);
        var failed = Array.FindIndex(results, r => r.Error is not null);
        if (failed >= 0) throw new ImageDecodeException(results.Length == 1 ? results[0].Error!
            : $"image {failed}: {results[failed].Error}");
        return results.Select(r => r.Features!).ToArray();
    }

    /// <summary>As <see cref="FeaturizeEncoded"/>, but an unusable image only costs its own slot: its reason instead of
    /// features.</summary>
    internal (float[]? Features, string? Error)[] TryFeaturizeEncoded(IReadOnlyList<byte[]> encodedImages) =>
        TryFeaturize(encodedImages, (encoded, destination) =>
            _preprocessor.Write(encoded, Image(destination), Mirrored(destination)));

    /// <summary>As <see cref="TryFeaturizeEncoded"/>, for images already decoded to 8-bit RGBA pixels.</summary>
    internal (float[]? Features, string? Error)[] TryFeaturizePixels(IReadOnlyList<RgbaPixels> images) =>
        TryFeaturize(images, (image, destination) => _preprocessor.WritePixels(
            image.Pixels, image.Width, image.Height, Image(destination), Mirrored(destination)));

    private delegate void ViewsWriter<in T>(T image, Span<float> destination);

    private (float[]? Features, string? Error)[] TryFeaturize<T>(IReadOnlyList<T> images, ViewsWriter<T> write)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.Chunk(_options.BatchSize).SelectMany(batch => FeaturizeBatch(batch, write)).ToArray();
    }

    private (float[]?, string?)[] FeaturizeBatch<T>(T[] images, ViewsWriter<T> write)
    {
        var length = ImageFloats;
        var input = new float[images.Length * length];
        var errors = new string?[images.Length];
        Parallel.For(0, images.Length, i =>
        {
            try
            {
                write(images[i], input.AsSpan(i * length, length));
            }
            catch (ImageDecodeException e)
            {
                errors[i] = e.Message;
            }
        });
        // Close the gaps unusable images left, so the backbone runs only real images.
        var usable = Enumerable.Range(0, images.Length).Where(i => errors[i] is null).ToArray();
        for (var k = 0; k < usable.Length; k++)
            if (usable[k] != k) input.AsSpan(usable[k] * length, length).CopyTo(input.AsSpan(k * length, length));
        var features = usable.Length == 0 ? [] : RunBackbone(input.AsMemory(0, usable.Length * length), usable.Length);
        var results = errors.Select(e => ((float[]?)null, e)).ToArray();
        for (var k = 0; k < usable.Length; k++) results[usable[k]] = (features[k], null);
        return results;
    }

    /// <summary>The image's own view in one image's slot of the input (<see cref="ImageFloats"/> long).</summary>
    private Span<float> Image(Span<float> destination) => destination[.._preprocessor.TensorLength];

    /// <summary>The mirror image's view in that slot, or empty when <see cref="Views"/> is 1.</summary>
    private Span<float> Mirrored(Span<float> destination) =>
        Views == 2 ? destination.Slice(_preprocessor.TensorLength, _preprocessor.TensorLength) : default;

    /// <summary>Writes every view of an image already resized to this backbone's input size (float RGBA) into
    /// <paramref name="destination"/> (<see cref="ImageFloats"/> long).</summary>
    internal void WriteResizedViews(ReadOnlySpan<float> rgba, Span<float> destination) =>
        _preprocessor.WriteResized(rgba, Image(destination), Mirrored(destination));

    /// <summary>
    /// Features of every file in <paramref name="paths"/>. Unreadable or undecodable files are skipped and reported
    /// with
    /// the reason; cached features are reused and new ones stored. Cancelling keeps every entry already written.
    /// </summary>
    public async Task<FeaturizationResult> FeaturizeAsync(
        IReadOnlyList<string> paths,
        IProgress<FeaturizationProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        (await FeaturizeManyAsync([this], paths, progress, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Features of every file for several backbones in one pass: each file is read, hashed and decoded once (once per
    /// input size) and fed to every featurizer that has no cached features for it; one result per featurizer.
    /// </summary>
    /// <exception cref="ArgumentException">No featurizers, or the same one twice.</exception>
    internal static async Task<IReadOnlyList<FeaturizationResult>> FeaturizeManyAsync(
        IReadOnlyList<BottleneckFeaturizer> featurizers,
        IReadOnlyList<string> paths,
        IProgress<FeaturizationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(featurizers);
        ArgumentNullException.ThrowIfNull(paths);
        if (featurizers.Count == 0 || featurizers.Distinct().Count() != featurizers.Count)
            throw new ArgumentException("Give one or more distinct featurizers.", nameof(featurizers));
        return await FeaturizationPipeline.RunAsync(featurizers, paths, progress, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>"int8" when the backbone runs quantized (<see cref="FeaturizerOptions.Int8"/>), else "fp32".</summary>
    internal string Precision => _options.Int8 is null ? "fp32" : "int8";

    /// <summary>Where the cells of <see cref="FeaturizeWithMap"/>'s map sit over the input; null when the graph does
    /// not say.</summary>
    internal MapGrid? MapGrid => _runner.MapGrid;

    /// <summary>
    /// The features of every view of one image (as <see cref="FeaturizeEncoded"/> gives them) and the map the
    /// features pool, [views, channels, height, width], for class-activation maps.
    /// </summary>
    /// <exception cref="ImageDecodeException">The bytes are not a usable image.</exception>
    /// <exception cref="NotSupportedException">The backbone does not pool a spatial map.</exception>
    internal (float[] Views, float[] Map, int[] MapShape) FeaturizeWithMap(byte[] encoded)
    {
        var input = new float[ImageFloats];
        _preprocessor.Write(encoded, Image(input), Mirrored(input));
        return _runner.RunWithMap(input, Views);
    }

    /// <summary>Everything that shapes the features (backbone file, cut, size, normalisation, preprocessing version,
    /// views): the cache key and the shards' check.</summary>
    internal string Fingerprint { get; }

    internal FeaturizerOptions Options => _options;

    internal ImagePreprocessor Preprocessor => _preprocessor;

    /// <summary>Runs <paramref name="images"/> preprocessed images (every view of each, back to back) through the
    /// backbone.</summary>
    internal float[][] RunBackbone(Memory<float> input, int images) =>
        Split(_runner.Run(input, images * Views), images);

    /// <summary>Backbone output → one array per image holding its <see cref="Views"/> vectors.</summary>
    private float[][] Split(float[] flat, int images)
    {
        var perImage = FeatureSize * Views;
        return Enumerable.Range(0, images).Select(i => flat.AsSpan(i * perImage, perImage).ToArray()).ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _runner.Dispose();
}
