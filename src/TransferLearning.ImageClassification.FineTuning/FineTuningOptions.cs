using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.FineTuning;

/// <summary>
/// How the backbone's last stages are fine-tuned after the head has trained on frozen features. The defaults follow
/// Keras's and fastai's recipes as measured here (docs/benchmarks.md): the last stage, AdamW with the backbone at a
/// rate 30 times below the head's, a short warm-up then cosine decay, and early stopping on validation loss.
/// </summary>
public sealed class FineTuningOptions
{
    /// <summary>Options with every setting at its default.</summary>
    public FineTuningOptions()
    {
    }

    /// <summary>A copy of <paramref name="other"/>, to change a few settings with an object initializer.</summary>
    /// <param name="other">The options to copy.</param>
    public FineTuningOptions(FineTuningOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Stages = other.Stages;
        Boundary = other.Boundary;
        Epochs = other.Epochs;
        BackboneLearningRate = other.BackboneLearningRate;
        HeadLearningRate = other.HeadLearningRate;
        WeightDecay = other.WeightDecay;
        WarmupShare = other.WarmupShare;
        BatchSize = other.BatchSize;
        Patience = other.Patience;
        Threads = other.Threads;
    }

    /// <summary>How many of the backbone's last stages train (<c>BackboneSpec.StageBoundaries</c> says where they
    /// begin); default 1.</summary>
    public int Stages { get; init; } = 1;

    /// <summary>The tensor the trained part starts from, instead of <see cref="Stages"/>: for a backbone whose stages
    /// the catalogue does not list. Everything after it up to the backbone's feature tensor trains.</summary>
    public string? Boundary { get; init; }

    /// <summary>Most passes over the training images (each image once per pass, its mirror image or itself at
    /// random).</summary>
    public int Epochs { get; init; } = 4;

    /// <summary>Peak learning rate of the backbone's weights.</summary>
    public double BackboneLearningRate { get; init; } = 3e-5;

    /// <summary>Peak learning rate of the head's weights.</summary>
    public double HeadLearningRate { get; init; } = 1e-3;

    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Share of all steps over which the rates rise linearly from near zero before the cosine decay.</summary>
    public double WarmupShare { get; init; } = 0.1;

    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Epochs without a lower validation loss before training stops (the best epoch's weights are kept).</summary>
    public int Patience { get; init; } = 1;

    /// <summary>Threads LibTorch may use (0: as many as the process has processors).</summary>
    public int Threads { get; init; }

    /// <exception cref="ArgumentException">A setting is out of range; the message names every one.</exception>
    internal void Validate() => OptionErrors.ThrowIfAny(nameof(FineTuningOptions), new OptionErrors()
        .Require(Stages >= 1, nameof(Stages), "must be at least 1", Stages)
        .Require(Boundary is null || Boundary.Trim().Length > 0, nameof(Boundary), "must name a tensor or be null")
        .Require(Epochs is >= 1 and <= 1000, nameof(Epochs), "must be 1 to 1000", Epochs)
        .Require(double.IsFinite(BackboneLearningRate) && BackboneLearningRate > 0, nameof(BackboneLearningRate),
            "must be positive", BackboneLearningRate)
        .Require(double.IsFinite(HeadLearningRate) && HeadLearningRate > 0, nameof(HeadLearningRate),
            "must be positive", HeadLearningRate)
        .Require(double.IsFinite(WeightDecay) && WeightDecay >= 0, nameof(WeightDecay), "must be 0 or more",
            WeightDecay)
        .Require(WarmupShare is >= 0 and < 1, nameof(WarmupShare), "must be 0 to below 1", WarmupShare)
        .Require(BatchSize is >= 1 and <= 4096, nameof(BatchSize), "must be 1 to 4096", BatchSize)
        .Require(Patience >= 1, nameof(Patience), "must be 1 or more", Patience)
        .Require(Threads >= 0, nameof(Threads), "must be 0 or more", Threads)
        .All);
}
