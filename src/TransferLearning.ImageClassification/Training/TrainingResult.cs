using TransferLearning.ImageClassification.Classification;

namespace TransferLearning.ImageClassification.Training;

/// <summary>A trained classifier and the report of how it was trained and how it scored.</summary>
/// <param name="Classifier">The classifier, ready to predict and save. Dispose it when done.</param>
/// <param name="Report">Counts, metrics before and after training, history and timings.</param>
public sealed record TrainingResult(TransferClassifier Classifier, TrainingReport Report);
