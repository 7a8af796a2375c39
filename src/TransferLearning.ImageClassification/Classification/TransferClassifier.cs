using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Evaluation;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Novelty;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Classification;

/// <summary>
/// A trained image classifier: frozen backbone + trained head. Predicts from a path, a stream or bytes, one image or
/// a batch; safe to call from many threads at once. Save it with <see cref="Save"/>, load it with <see cref="Load"/>.
/// </summary>
public sealed class TransferClassifier : IDisposable
{
    private readonly BottleneckFeaturizer _featurizer;

    internal TransferClassifier(BottleneckFeaturizer featurizer, IClassifierHead head, IReadOnlyList<string> classes,
        NoveltyDetector? novelty)
    {
        if (head.ClassCount != classes.Count || head.FeatureSize != featurizer.FeatureSize)
            throw new ArgumentException(
                $"Head takes {head.FeatureSize} features to {head.ClassCount} classes; backbone gives " +
                $"{featurizer.FeatureSize}, {classes.Count} class names given.");
        if (novelty is not null && (novelty.FeatureSize != head.FeatureSize || novelty.ClassCount != classes.Count))
            throw new ArgumentException("The novelty detector does not fit the head.", nameof(novelty));
        _featurizer = featurizer;
        Head = head;
        Classes = classes;
        Novelty = novelty;
    }

    /// <summary>Class names, in the order of the scores.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The frozen backbone.</summary>
    public BackboneSpec Backbone => _featurizer.Backbone;

    /// <summary>SHA-256 of the backbone's ONNX file.</summary>
    public string BackboneSha256 => _featurizer.BackboneSha256;

    /// <summary>Whether predictions average the image and its mirror image.</summary>
    public bool HorizontalFlip => _featurizer.Views == 2;

    internal BottleneckFeaturizer Featurizer => _featurizer;

    /// <summary>The trained head: the dense head of <see cref="HeadOptions"/>, or an <see cref="MLNetHead"/>.</summary>
    public IClassifierHead Head { get; }

    internal NoveltyDetector? Novelty { get; }

    /// <summary>The <see cref="Prediction.Novelty"/> above which an image is unfamiliar, chosen on the validation images
    /// (<see cref="NoveltyOptions.Acceptance"/>); null when the model has no novelty detector.</summary>
    public float? NoveltyThreshold => Novelty?.Threshold;

    /// <summary>The prediction for one image's feature vectors (its views back to back).</summary>
    internal Prediction Predicted(ReadOnlySpan<float> views) =>
        Prediction.From(Head.PredictMean(views), Classes, Novelty?.ScoreMean(views), Novelty?.Threshold);

    /// <summary>Classifies one encoded image (JPEG, PNG, BMP, GIF or WebP).</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a usable image; the message says why.</exception>
    public Prediction Predict(byte[] image) =>
        Predicted(_featurizer.FeaturizeEncodedViews([image ?? throw new ArgumentNullException(nameof(image))])[0]);

    /// <summary>Classifies the image in <paramref name="image"/>, read asynchronously to its end (at most
    /// <see cref="ImageLimits.MaxFileBytes"/>).</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a usable image, or more than the limit.</exception>
    public async Task<Prediction> PredictAsync(Stream image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Predict(await ImageFile.ReadAsync(image, Limits, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Classifies the image file at <paramref name="path"/>.</summary>
    /// <exception cref="ImageDecodeException">The file is not a usable image, or larger than
    /// <see cref="ImageLimits.MaxFileBytes"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public async Task<Prediction> PredictAsync(string path, CancellationToken cancellationToken = default) =>
        Predict(await ImageFile.ReadAsync(path, Limits, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Classifies several encoded images, a backbone batch at a time. An unusable image costs only its own answer:
    /// the result holds, in input order, a prediction or the reason for each.
    /// </summary>
    public IReadOnlyList<BatchPrediction> PredictBatch(IReadOnlyList<byte[]> images) =>
        _featurizer.TryFeaturizeEncoded(images)
            .Select(r => r.Features is { } views ? new BatchPrediction(Predicted(views), null)
                : new BatchPrediction(null, r.Error))
            .ToArray();

    /// <summary>
    /// Classifies several image files, a backbone batch at a time, reading each batch's files concurrently. A file that
    /// cannot be read or used costs only its own answer: the result holds, in input order, a prediction or the reason
    /// for each.
    /// </summary>
    public async Task<IReadOnlyList<BatchPrediction>> PredictBatchAsync(
        IReadOnlyList<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var results = new List<BatchPrediction>(paths.Count);
        foreach (var chunk in paths.Chunk(_featurizer.Options.BatchSize))
        {
            var reads = await Task.WhenAll(chunk.Select(p => ReadOrReasonAsync(p, cancellationToken)))
                .ConfigureAwait(false);
            var predicted = PredictBatch([.. reads.Where(r => r.Bytes is not null).Select(r => r.Bytes!)]);
            var next = 0;
            results.AddRange(
                reads.Select(r => r.Bytes is null ? new BatchPrediction(null, r.Error) : predicted[next++]));
        }
        return results;
    }

    private async Task<(byte[]? Bytes, string? Error)> ReadOrReasonAsync(
        string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await ImageFile.ReadAsync(path, Limits, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot be read: {e.Message}");
        }
        catch (ImageDecodeException e)
        {
            return (null, e.Message);
        }
    }

    private ImageLimits Limits => _featurizer.Options.ImageLimits;

    /// <summary>Classifies every image of <paramref name="images"/> and compares with its label.</summary>
    /// <exception cref="DatasetException">An image has a class this classifier does not know, or no image could be
    /// used.</exception>
    public async Task<EvaluationResult> EvaluateAsync(
        IReadOnlyList<LabeledImage> images, IProgress<FeaturizationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        var unknown = images.Select(i => i.Label).Distinct().Except(Classes).ToArray();
        if (unknown.Length > 0)
            throw new DatasetException($"The classifier does not know the classes {string.Join(", ", unknown)}; it " +
                $"knows {string.Join(", ", Classes)}.");
        var result = await _featurizer.FeaturizeAsync(images.Select(i => i.Path).ToArray(), progress, cancellationToken)
            .ConfigureAwait(false);
        var used = Enumerable.Range(0, images.Count).Where(i => result.Features[i] is not null).ToArray();
        if (used.Length == 0) throw new DatasetException("None of the images could be used; see the skipped list.");
        var probabilities = used.Select(i => Head.PredictMean(result.Views(i))).ToArray();
        var labels = used.Select(i => IndexOf(images[i].Label)).ToArray();
        var metrics = ClassifierEvaluator.Evaluate(labels, probabilities, Classes);
        var absent = Classes.Where((_, k) => !labels.Contains(k)).ToArray();
        return new EvaluationResult(metrics, result.Skipped)
        {
            Warnings =
            [
                .. absent.Length > 0 ? [$"{absent.Length} of {Classes.Count} classes have no usable image here, so " +
                    $"their recall is undefined: {string.Join(", ", absent)}."] : Array.Empty<string>(),
                .. DataChecks.NonFinite("evaluation", metrics),
            ],
        };
    }

    /// <summary>
    /// How well <see cref="Prediction.Novelty"/> tells <paramref name="familiar"/> images (of this classifier's classes)
    /// from <paramref name="unfamiliar"/> ones (of none of them): AUROC, FPR at 95% TPR, and the shares the model's
    /// threshold flags and accepts. Files that cannot be used are skipped and listed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no novelty detector.</exception>
    /// <exception cref="ArgumentException">No usable familiar or no usable unfamiliar image.</exception>
    public async Task<NoveltyMetrics> EvaluateNoveltyAsync(
        IReadOnlyList<string> familiar, IReadOnlyList<string> unfamiliar,
        IProgress<FeaturizationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(familiar);
        ArgumentNullException.ThrowIfNull(unfamiliar);
        var detector = Novelty ?? throw new InvalidOperationException(
            "This model has no novelty detector (saved before model format 5, or trained WithoutNovelty()).");
        var result = await _featurizer.FeaturizeAsync([.. familiar, .. unfamiliar], progress, cancellationToken)
            .ConfigureAwait(false);
        float[] Scores(int from, int count) => [.. Enumerable.Range(from, count)
            .Where(i => result.Features[i] is not null).Select(i => detector.ScoreMean(result.Views(i)))];
        return NoveltyEvaluator.Evaluate(Scores(0, familiar.Count), Scores(familiar.Count, unfamiliar.Count),
            detector.Threshold, result.Skipped);
    }

    /// <summary>Index of <paramref name="label"/> in <see cref="Classes"/>, or -1.</summary>
    internal int IndexOf(string label)
    {
        for (var k = 0; k < Classes.Count; k++)
            if (Classes[k] == label) return k;
        return -1;
    }

    /// <summary>Writes the classifier to one file; it records which backbone (and SHA-256) it needs, not the backbone
    /// itself.</summary>
    public void Save(string path)
    {
        var (kind, layers) = ModelFile.Describe(Head);
        var int8 = _featurizer.Options.Int8;
        var manifest = new ModelManifest(
            ModelFile.FormatFor(int8 is not null, Novelty is not null, Backbone.TunedWeights is not null),
            Backbone.Name, BackboneSha256,
            Backbone.Source, HorizontalFlip, Classes, layers, Backbone.InputSize, Backbone.FeatureNode,
            Backbone.Pooling, kind, ImagePreprocessor.Version, int8 is null ? ModelManifest.Float32 : ModelManifest.Int8,
            Novelty is { } n ? new NoveltyManifest(NoveltyDetector.Method, n.Space, n.Threshold, n.Acceptance) : null,
            Backbone.FineTunedSha256);
        ModelFile.Write(path, manifest, Head, int8, Novelty, Backbone.TunedWeights);
    }

    /// <summary>Loads a classifier saved with <see cref="Save"/>.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="backbone">The backbone to use when it is not a catalogue entry or lives elsewhere; its file must
    /// have the recorded SHA-256.</param>
    /// <param name="options">Batch size, device and feature cache (used by <see cref="EvaluateAsync"/>); the model
    /// decides <see cref="FeaturizerOptions.HorizontalFlip"/> and <see cref="FeaturizerOptions.Int8"/>.</param>
    /// <param name="logger">Receives the warnings when the GPU is unusable and the CPU is used instead, and when the
    /// model was trained with an older preprocessing.</param>
    /// <exception cref="BackboneNotFoundException">The backbone is missing.</exception>
    /// <exception cref="BackboneMismatchException">The backbone file is not the one the model was trained
    /// with.</exception>
    /// <exception cref="InvalidDataException">The file is not a model file.</exception>
    public static TransferClassifier Load(
        string path, BackboneSpec? backbone = null, FeaturizerOptions? options = null,
        Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        var (manifest, head, int8, novelty, weights) = ModelFile.Read(path);
        if (novelty is null && logger is not null)
            Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger,
                "'{Path}' has no novelty detector (model format {Format}; format 5 has one): its predictions carry no Novelty score and never say IsUnfamiliar. Retrain it (without WithoutNovelty()) to get one.",
                path, manifest.FormatVersion);
        if (manifest.PreprocessingVersion < ImagePreprocessor.Version && logger is not null)
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger,
                "'{Path}' was trained with SkiaSharp's resizing (library 0.4.0 and before); this library resizes with its own antialiased bilinear filter, so its probabilities may shift slightly. Retraining removes this warning.",
                path);
        var spec = ModelFile.ResolveBackbone(manifest, backbone, weights);
        var featurizer = BottleneckFeaturizer.Create(
            spec, new FeaturizerOptions(options
                ?? new FeaturizerOptions()) { HorizontalFlip = manifest.HorizontalFlip, Int8 = int8 }, logger);
        if (featurizer.FeatureSize != head.FeatureSize)
        {
            featurizer.Dispose();
            throw new InvalidDataException(
                $"'{path}' is not a usable model file: its head takes {head.FeatureSize} features, backbone " +
                $"'{spec.Name}' gives {featurizer.FeatureSize}.");
        }
        return new TransferClassifier(featurizer, head, manifest.Classes, novelty);
    }

    /// <inheritdoc />
    public void Dispose() => _featurizer.Dispose();
}
