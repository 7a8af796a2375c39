using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Novelty;
using TransferLearning.ImageClassification.Quantization;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Training;

namespace TransferLearning.ImageClassification;

/// <summary>
/// The front door: say where the images are and, if you like, how to split, which backbone, where to cache and how
/// to train the head; <see cref="Build"/> checks everything once and returns an immutable
/// <see cref="TransferTrainer"/>.
/// </summary>
/// <example>
/// <code>
/// var result = await new TransferClassifierBuilder()
///     .WithImages("data/train")
///     .WithBackbone(BackboneCatalog.ResNet18)
///     .OnEpoch(e => Console.WriteLine(e))
///     .TrainAsync();
/// result.Classifier.Save("model.zip");
/// </code>
/// </example>
public sealed class TransferClassifierBuilder
{
    private Func<ImageDataset>? _data;
    private Func<ImageDataset>? _testData;
    private PrecomputedFeatures? _features;
    private PrecomputedFeatures? _testFeatures;
    private SplitRatios _ratios = SplitRatios.Default;
    private int _seed = 42;
    private BackboneSpec _backbone = BackboneCatalog.ResNet18;
    private ImageSize? _imageSize;
    private IProgress<Downloads.DownloadProgress>? _downloadProgress;
    private FeaturizerOptions _featurizer = new() { CacheDirectory = FeaturizerOptions.DefaultCacheDirectory };
    private QuantizationOptions? _int8;
    private NoveltyOptions? _novelty = new();
    private IHeadRecipe _head = new HeadOptions();
    private Action<EpochMetrics>? _onEpoch;
    private IProgress<FeaturizationProgress>? _progress;
    private ILogger _logger = NullLogger.Instance;
    private IBackboneTuning? _tuning;

    /// <summary>Images from a folder with one sub-folder per class.</summary>
    public TransferClassifierBuilder WithImages(string folder) =>
        Set(() => (_data, _features) = (() => ImageDataset.FromFolder(folder), null));

    /// <summary>Images from a data set built some other way (e.g. <see cref="ImageDataset.FromList"/>).</summary>
    public TransferClassifierBuilder WithImages(ImageDataset dataset) =>
        Set(() => (_data, _features) = (() => dataset, null));

    /// <summary>Separate test images (one sub-folder per class); the split then makes only train and validation
    /// parts.</summary>
    public TransferClassifierBuilder WithTestImages(string folder) =>
        Set(() => (_testData, _testFeatures) = (() => ImageDataset.FromFolder(folder), null));

    /// <summary>Separate test images from a data set.</summary>
    public TransferClassifierBuilder WithTestImages(ImageDataset dataset) =>
        Set(() => (_testData, _testFeatures) = (() => dataset, null));

    /// <summary>Split weights and seed (default 8/1/1, seed 42); the head has its own seed in
    /// <see cref="HeadOptions.Seed"/>.</summary>
    public TransferClassifierBuilder WithSplit(SplitRatios ratios, int seed = 42) =>
        Set(() => (_ratios, _seed) = (ratios, seed));

    /// <summary>The frozen backbone (default <see cref="BackboneCatalog.ResNet18"/>).</summary>
    public TransferClassifierBuilder WithBackbone(BackboneSpec backbone) => Set(() => _backbone = backbone);

    /// <summary>A catalogue backbone by name, e.g. "resnet18".</summary>
    public TransferClassifierBuilder WithBackbone(string name) => Set(() => _backbone = BackboneCatalog.Get(name));

    /// <summary>
    /// Input size instead of the backbone's native one, e.g. the article's 160x160 (the graph's spatial dimensions are
    /// freed); each side within <see cref="BackboneSpec.MinInputSide"/>..<see cref="BackboneSpec.MaxInputSide"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A side is out of that range.</exception>
    public TransferClassifierBuilder WithImageSize(int width, int height) => Set(() =>
    {
        var size = new ImageSize(width, height);
        BackboneSpec.CheckInputSize(size);
        _imageSize = size;
    });

    /// <summary>
    /// How images become features, as a change to the builder's settings (a feature cache under
    /// <see cref="FeaturizerOptions.DefaultCacheDirectory"/>, otherwise <see cref="FeaturizerOptions"/>' defaults):
    /// <c>.WithFeaturizer(o =&gt; new(o) { BatchSize = 64, Device = ExecutionDevice.Cuda() })</c>. Sets the batch
    /// size, the cache (<c>CacheDirectory = null</c>: none), mirror images, the device, the
    /// <see cref="Downloads.ModelStore"/> backbones come from, threads and image limits; checked by
    /// <see cref="Build"/>.
    /// </summary>
    public TransferClassifierBuilder WithFeaturizer(Func<FeaturizerOptions, FeaturizerOptions> configure) => Set(() =>
        _featurizer = (configure ?? throw new ArgumentNullException(nameof(configure)))(_featurizer)
            ?? throw new ArgumentException("The featurizer settings must not be null.", nameof(configure)));

    /// <summary>Receives bytes and rate while a backbone downloads on first use.</summary>
    public TransferClassifierBuilder WithDownloadProgress(IProgress<Downloads.DownloadProgress> progress) =>
        Set(() => _downloadProgress = progress);

    /// <summary>
    /// How the head is trained: <see cref="HeadOptions"/> (the default dense head; the article's recipe is
    /// <see cref="HeadOptions.Article"/>) or <see cref="MLNetHeadOptions"/> (any ML.NET multiclass trainer).
    /// </summary>
    public TransferClassifierBuilder WithHead(IHeadRecipe recipe) =>
        Set(() => _head = recipe ?? throw new ArgumentNullException(nameof(recipe)));

    /// <summary>
    /// Runs the backbone in int8 (static quantization): before featurizing,
    /// <see cref="QuantizationOptions.CalibrationImages"/>
    /// images drawn seeded from the training part calibrate the activation ranges (never validation or test images);
    /// the calibration is saved in the model, so prediction, serving and export run the same int8 graph.
    /// </summary>
    public TransferClassifierBuilder WithInt8(QuantizationOptions? options = null) =>
        Set(() => _int8 = options ?? new QuantizationOptions());

    /// <summary>
    /// How the novelty detector is calibrated (on by default, accepting 95% of the validation images): it is fitted on
    /// the training part's features after the head, so that every prediction says how unfamiliar its image is
    /// (<see cref="Classification.Prediction.Novelty"/>, <see cref="Classification.Prediction.IsUnfamiliar"/>).
    /// </summary>
    public TransferClassifierBuilder WithNovelty(NoveltyOptions options) =>
        Set(() => _novelty = options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>No novelty detector: predictions carry no <see cref="Classification.Prediction.Novelty"/>, and the model
    /// is saved in the format older libraries read.</summary>
    public TransferClassifierBuilder WithoutNovelty() => Set(() => _novelty = null);

    /// <summary>Called after each training epoch.</summary>
    public TransferClassifierBuilder OnEpoch(Action<EpochMetrics> callback) => Set(() => _onEpoch = callback);

    /// <summary>Receives featurization progress (images done, total, images/s).</summary>
    public TransferClassifierBuilder WithProgress(IProgress<FeaturizationProgress> progress) =>
        Set(() => _progress = progress);

    /// <summary>Where skipped images and stages are logged.</summary>
    public TransferClassifierBuilder WithLogger(ILogger logger) => Set(() => _logger = logger);

    /// <summary>
    /// Trains on precomputed features instead of images: the same split for the same seed, and the same report, as
    /// <see cref="WithImages(string)"/> on the folder they were made from. The public <c>WithFeatures</c> is an
    /// extension method of the Shards package (shard files); a later <see cref="WithBackbone(BackboneSpec)"/> replaces
    /// the features' backbone, and training refuses one that would make other features.
    /// </summary>
    internal TransferClassifierBuilder WithFeatures(PrecomputedFeatures features) => Set(() =>
    {
        _features = features ?? throw new ArgumentNullException(nameof(features));
        _data = () => features.Dataset;
        _backbone = BackboneCatalog.All.FirstOrDefault(b => b.Name == features.Backbone) ?? _backbone;
        _imageSize = features.InputSize;
    });

    /// <summary>Test features of a separate test folder, made like those of
    /// <see cref="WithFeatures(PrecomputedFeatures)"/>.</summary>
    internal TransferClassifierBuilder WithTestFeatures(PrecomputedFeatures features) => Set(() =>
    {
        _testFeatures = features ?? throw new ArgumentNullException(nameof(features));
        _testData = () => features.Dataset;
    });

    /// <summary>Trains the backbone after the head: the FineTuning package's public <c>WithFineTuning</c> extension
    /// method plugs its step in here.</summary>
    internal TransferClassifierBuilder WithTuning(IBackboneTuning? tuning) => Set(() => _tuning = tuning);

    /// <summary>Checks every choice and reads the image folders' listings.</summary>
    /// <exception cref="InvalidOperationException">
    /// No images or features were given, or features are combined with what needs images (test images, mirror images).
    /// </exception>
    /// <exception cref="DatasetException">A folder is missing, has fewer than two classes or an empty
    /// class.</exception>
    /// <exception cref="ArgumentException">An option is out of range or the image size does not suit the
    /// backbone.</exception>
    public TransferTrainer Build()
    {
        var data = (_data ?? throw new InvalidOperationException(
            "Say where the images are with WithImages(...) or WithFeatures(...).")).Invoke();
        var backbone = Sized(_backbone);
        _featurizer.Validate();
        _head.Validate();
        if (_testFeatures is not null && _features is null)
            throw new InvalidOperationException(
                "WithTestFeatures needs WithFeatures: train and test features come from the same kind of run.");
        if (_features is not null && (_testData is not null && _testFeatures is null))
            throw new InvalidOperationException(
                "With WithFeatures, give test features with WithTestFeatures, not test images.");
        if (_features is not null && _featurizer.HorizontalFlip)
            throw new InvalidOperationException(
                "Shard files hold one view per image; FeaturizerOptions.HorizontalFlip cannot be used with " +
                "WithFeatures.");
        _int8?.Validate();
        _novelty?.Validate();
        if (_features is not null && _int8 is not null)
            throw new InvalidOperationException("WithInt8 calibrates on images; shard files hold features their own " +
                "backbone made. Featurize the shards in int8 instead, or train on images.");
        if (_testFeatures is not null && _testFeatures.Fingerprint != _features!.Fingerprint)
            throw new InvalidOperationException($"Test features ({_testFeatures.Fingerprint}) were not made like the " +
                $"training features ({_features.Fingerprint}).");
        var settings = new TrainingSettings(
            data, _testData?.Invoke(), _ratios, _seed, backbone, _featurizer, _head, _onEpoch, _progress,
            _downloadProgress, _logger)
        {
            Features = _features,
            TestFeatures = _testFeatures,
            Int8 = _int8,
            Novelty = _novelty,
            Tuning = _tuning,
        };
        _tuning?.Validate(settings);
        return new TransferTrainer(settings);
    }

    /// <summary>
    /// Checks every choice like <see cref="Build"/> and returns a comparison of <paramref name="backbones"/> on the
    /// same
    /// split, each with every head of <paramref name="heads"/> (default: this builder's head).
    /// </summary>
    /// <exception cref="ArgumentException">No backbone, a repeated one, or no head.</exception>
    /// <exception cref="InvalidOperationException">The builder trains on shard files (<c>WithFeatures</c>, Shards
    /// package) or fine-tunes (<c>WithFineTuning</c>, FineTuning package).</exception>
    public Experiments.TransferExperiment BuildExperiment(
        IEnumerable<BackboneSpec> backbones, IEnumerable<IHeadRecipe>? heads = null)
    {
        ArgumentNullException.ThrowIfNull(backbones);
        var settings = Build().Settings;
        if (settings.Features is not null)
            throw new InvalidOperationException("An experiment featurizes images with each backbone; shard files " +
                "hold one backbone's features. Use WithImages, or Build() for the shards.");
        if (settings.Tuning is not null)
            throw new InvalidOperationException("An experiment compares frozen backbones; WithFineTuning applies to " +
                "Build() and TrainAsync() only.");
        var sized = backbones.Select(Sized).ToArray();
        var recipes = heads?.ToArray() ?? [settings.Head];
        foreach (var recipe in recipes) recipe.Validate();
        return new Experiments.TransferExperiment(settings, sized, recipes);
    }

    /// <summary><see cref="Build"/>, then <see cref="TransferTrainer.TrainAsync"/>.</summary>
    public Task<TrainingResult> TrainAsync(CancellationToken cancellationToken = default) =>
        Build().TrainAsync(cancellationToken);

    /// <summary><paramref name="backbone"/> at the size of <see cref="WithImageSize"/>, if one was given.</summary>
    private BackboneSpec Sized(BackboneSpec backbone) =>
        _imageSize is { } size ? new BackboneSpec(backbone) { InputSize = size } : backbone;

    private TransferClassifierBuilder Set(Action change)
    {
        change();
        return this;
    }
}
