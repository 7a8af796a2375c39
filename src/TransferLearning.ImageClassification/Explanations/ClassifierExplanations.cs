using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Explanations;

/// <summary>Class-activation heatmaps for a <see cref="TransferClassifier"/>: what it looks at, and where it
/// fails.</summary>
public static class ClassifierExplanations
{
    /// <summary>
    /// Classifies one encoded image and shows why: the class-activation heatmap of <paramref name="target"/> (by
    /// default
    /// the predicted class). One backbone pass, as <see cref="TransferClassifier.Predict(byte[])"/> takes, plus the
    /// head's gradient; with mirror-image averaging the heatmap explains the image as it is, not its mirror image.
    /// </summary>
    /// <param name="classifier">The classifier to explain.</param>
    /// <param name="image">The encoded image (JPEG, PNG, BMP, GIF or WebP).</param>
    /// <param name="target">The class to explain, one of <see cref="TransferClassifier.Classes"/>; null for the
    /// predicted class.</param>
    /// <exception cref="ImageDecodeException">The bytes are not a usable image.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not one of the classifier's
    /// classes.</exception>
    /// <exception cref="NotSupportedException">
    /// The head is neither a dense head (<see cref="HeadOptions"/>) nor a linear ML.NET head, or the backbone's
    /// features are not pooled from a spatial map (<see cref="Backbones.FeaturePooling.None"/>); the message names
    /// which.
    /// </exception>
    public static Explanation Explain(this TransferClassifier classifier, byte[] image, string? target = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(image);
        var (prediction, activation) = Activation(classifier, image, target);
        var heat = new float[activation.Values.Length];
        for (var i = 0; i < heat.Length; i++) heat[i] = Math.Max(activation.Values[i], 0f); // Grad-CAM's ReLU
        var size = ImageDecoder.UprightSize(image);
        var centres = CellCentres.Of(
            classifier.Featurizer.MapGrid, classifier.Backbone.InputSize, activation.Width, activation.Height);
        return new Explanation(prediction, activation.Target,
            new Heatmap(activation.Width, activation.Height, heat, centres), size.Width, size.Height);
    }

    /// <summary>
    /// The <paramref name="count"/> images of <paramref name="images"/> with the highest loss (the true class's
    /// cross-entropy), highest first: the confident mistakes, to look at with <see cref="Explain"/>. Features come
    /// from the classifier's feature cache when it has one; unusable images are passed over.
    /// </summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="images">Labelled images, e.g. the test part.</param>
    /// <param name="count">How many to return.</param>
    /// <param name="progress">Receives featurization progress.</param>
    /// <param name="cancellationToken">Stops featurizing; cached features stay valid.</param>
    /// <exception cref="ArgumentException">An image has a class the classifier does not know.</exception>
    public static async Task<IReadOnlyList<TopLoss>> TopLossesAsync(
        this TransferClassifier classifier, IReadOnlyList<LabeledImage> images, int count = 9,
        IProgress<FeaturizationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (images.FirstOrDefault(i => classifier.IndexOf(i.Label) < 0) is { } unknown)
            throw new ArgumentException(
                $"'{unknown.Path}' is labelled '{unknown.Label}', which the classifier does not know.", nameof(images));
        var result = await classifier.Featurizer.FeaturizeAsync(
            [.. images.Select(i => i.Path)], progress, cancellationToken).ConfigureAwait(false);
        return
        [
            .. Enumerable.Range(0, images.Count)
                .Where(i => result.Features[i] is not null)
                .Select(i =>
                {
                    var prediction = classifier.Predicted(result.Views(i));
                    var truth = prediction.Scores[classifier.IndexOf(images[i].Label)].Probability;
                    return new TopLoss(images[i], prediction, -Math.Log(Math.Max(truth, 1e-30)));
                })
                .OrderByDescending(l => l.Loss)
                .Take(count),
        ];
    }

    /// <summary>The prediction and the class-activation map before the ReLU (signed), with what it was computed
    /// from.</summary>
    internal static (Prediction Prediction, SignedMap Activation) Activation(
        TransferClassifier classifier, byte[] image, string? target)
    {
        var head = classifier.Head;
        var (views, map, shape) = classifier.Featurizer.FeaturizeWithMap(image);
        var prediction = classifier.Predicted(views);
        var index = classifier.IndexOf(target ?? prediction.Label);
        if (index < 0)
            throw new ArgumentException($"'{target}' is not a class of this classifier; its classes are " +
                $"{string.Join(", ", classifier.Classes)}.", nameof(target));
        var features = views.AsSpan(0, head.FeatureSize);
        var gradient = ClassScoreGradient.Of(head, features, index);
        var (channels, height, width) = (shape[1], shape[2], shape[3]);
        var first = map.AsSpan(0, channels * height * width); // the image itself, not its mirror image
        var values = ClassActivation.Map(first, channels, height * width, classifier.Backbone.Pooling, gradient);
        return (prediction, new SignedMap(index, width, height, values, features.ToArray(), gradient));
    }

    /// <summary>A class-activation map before the ReLU, with the features and gradient it came from.</summary>
    internal sealed record SignedMap(
        int Target, int Width, int Height, float[] Values, float[] Features, float[] Gradient);
}
