using TransferLearning.ImageClassification.Novelty;

namespace TransferLearning.ImageClassification.Classification;

/// <summary><c>model.json</c>'s <c>novelty</c>: what the stored detector (<c>novelty.bin</c>) is and where its
/// threshold lies.</summary>
internal sealed record NoveltyManifest(string Method, NoveltySpace Space, float Threshold, double Acceptance)
{
    /// <exception cref="InvalidDataException">A field is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Method != NoveltyDetector.Method)
            throw new InvalidDataException(
                $"'novelty.method' is '{Method}'; this library knows '{NoveltyDetector.Method}'");
        if (!Enum.IsDefined(Space)) throw new InvalidDataException($"'novelty.space' {Space} is unknown");
        if (!float.IsFinite(Threshold) || Threshold < 0)
            throw new InvalidDataException($"'novelty.threshold' must be a finite score ≥ 0 (got {Threshold})");
        if (!(Acceptance is > 0 and <= 1))
            throw new InvalidDataException($"'novelty.acceptance' must lie in (0, 1] (got {Acceptance})");
    }
}
