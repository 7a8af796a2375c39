namespace TransferLearning.ImageClassification.Novelty;

/// <summary>Where the distances are measured: the features as the backbone gives them, each feature divided by its
/// training deviation first (which changes only what the shrinkage pulls towards), or each vector scaled to length 1
/// (its direction alone).</summary>
internal enum NoveltySpace
{
    Raw,
    Standardized,
    Normalized,
}
