namespace TransferLearning.ImageClassification.Classification;

/// <summary>One class and its probability; a value, equal to another with the same label and probability.</summary>
/// <param name="Label">Class name.</param>
/// <param name="Probability">Probability the classifier gives it.</param>
public sealed record ClassScore(string Label, float Probability);
