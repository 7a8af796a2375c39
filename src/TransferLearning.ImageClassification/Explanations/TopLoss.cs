using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Explanations;

/// <summary>One of the images the classifier got most wrong (fastai's <c>top_losses</c>).</summary>
/// <param name="Image">The image and its true class.</param>
/// <param name="Prediction">What the classifier said.</param>
/// <param name="Loss">Cross-entropy of the true class, −ln p(true class): the higher, the more confidently wrong.</param>
public sealed record TopLoss(LabeledImage Image, Prediction Prediction, double Loss);
