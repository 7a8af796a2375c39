using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Explanations;

/// <summary>One of the images the classifier got most wrong (fastai's <c>top_losses</c>).</summary>
public sealed class TopLoss
{
    internal TopLoss(LabeledImage image, Prediction prediction, double loss)
    {
        Image = image;
        Prediction = prediction;
        Loss = loss;
    }

    /// <summary>The image and its true class.</summary>
    public LabeledImage Image { get; }

    /// <summary>What the classifier said.</summary>
    public Prediction Prediction { get; }

    /// <summary>Cross-entropy of the true class, −ln p(true class): the higher, the more confidently wrong.</summary>
    public double Loss { get; }
}
