using TransferLearning.ImageClassification.FineTuning.Training;

namespace TransferLearning.ImageClassification.FineTuning;

/// <summary>Fine-tuning as a step of <see cref="TransferClassifierBuilder"/>.</summary>
public static class FineTuningExtensions
{
    /// <summary>
    /// After the head has trained on frozen features, trains the backbone's last stages with it (TorchSharp, from maps
    /// the frozen part computes once and caches), writes the trained weights back into the backbone's ONNX graph, and
    /// keeps the result only if it beats the frozen model on validation (<c>TrainingReport.FineTuning</c> says what
    /// happened). The classifier runs on ONNX Runtime alone afterwards: saved models carry the changed weights.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">Stages, epochs, rates (default: the last stage, 4 epochs).</param>
    /// <returns>The same builder. <c>Build</c> throws <see cref="InvalidOperationException"/> when LibTorch cannot load
    /// (the message says what is missing), the head is not the dense head, the backbone names too few stages, or int8
    /// or shard files are asked for too; and <see cref="ArgumentException"/> when an option is out of range.</returns>
    public static TransferClassifierBuilder WithFineTuning(
        this TransferClassifierBuilder builder, FineTuningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithTuning(new BackboneTuning(options ?? new FineTuningOptions()));
    }
}
