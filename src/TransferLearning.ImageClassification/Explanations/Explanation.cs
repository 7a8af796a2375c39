using TransferLearning.ImageClassification.Classification;

namespace TransferLearning.ImageClassification.Explanations;

/// <summary>
/// Why the classifier gave one image its answer: the prediction and a class-activation heatmap (Grad-CAM, exact for
/// a frozen backbone and a pooled head) of the explained class.
/// </summary>
public sealed class Explanation
{
    private readonly Lazy<Heatmap> _imageHeatmap;

    internal Explanation(Prediction prediction, int targetIndex, Heatmap heatmap, int imageWidth, int imageHeight)
    {
        (Prediction, TargetIndex, Heatmap) = (prediction, targetIndex, heatmap);
        Target = prediction.Scores[targetIndex].Label;
        (ImageWidth, ImageHeight) = (imageWidth, imageHeight);
        _imageHeatmap = new Lazy<Heatmap>(() => heatmap.Resize(imageWidth, imageHeight));
    }

    /// <summary>What <see cref="TransferClassifier.Predict(byte[])"/> says about the image.</summary>
    public Prediction Prediction { get; }

    /// <summary>The class explained (by default the predicted one).</summary>
    public string Target { get; }

    /// <summary>Its index in <see cref="TransferClassifier.Classes"/>.</summary>
    public int TargetIndex { get; }

    /// <summary>The heatmap at the backbone's feature-map resolution (e.g. 14x14 for ResNet18 at 224x224, cut after
    /// stage 3).</summary>
    public Heatmap Heatmap { get; }

    /// <summary>Width of the image, upright.</summary>
    public int ImageWidth { get; }

    /// <summary>Height of the image, upright.</summary>
    public int ImageHeight { get; }

    /// <summary><see cref="Heatmap"/> stretched over the whole upright image, computed on first use.</summary>
    public Heatmap ImageHeatmap => _imageHeatmap.Value;
}
