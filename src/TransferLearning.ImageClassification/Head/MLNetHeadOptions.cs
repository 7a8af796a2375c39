using Microsoft.ML;
using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// An ML.NET multiclass trainer as the head, trained on the same cached features as the dense head. Features are
/// standardised first (mean/variance, as the dense head does); the trainer then reads the columns "Features" (float
/// vector) and "Label" (key) and must write a "Score" vector of class probabilities (the maximum-entropy trainers,
/// LightGBM, naive Bayes and calibrated one-versus-all all do).
/// </summary>
public sealed class MLNetHeadOptions : IHeadRecipe
{
    /// <summary>A trainer under a name.</summary>
    /// <param name="name">Short name for reports.</param>
    /// <param name="trainer">
    /// Makes the trainer from the context, e.g. <c>ml => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()</c>.
    /// </param>
    public MLNetHeadOptions(string name, Func<MLContext, IEstimator<ITransformer>> trainer)
    {
        Name = name;
        Trainer = trainer;
    }

    /// <summary>
    /// A copy of <paramref name="other"/>, to change a few settings with an object initializer:
    /// <c>new MLNetHeadOptions(MLNetHeadOptions.LbfgsMaximumEntropy) { Seed = 7 }</c>.
    /// </summary>
    /// <param name="other">The options to copy.</param>
    public MLNetHeadOptions(MLNetHeadOptions other)
        : this((other ?? throw new ArgumentNullException(nameof(other))).Name, other.Trainer)
    {
        Seed = other.Seed;
    }

    /// <summary>Short name for reports.</summary>
    public string Name { get; }

    /// <summary>Makes the trainer from the context.</summary>
    public Func<MLContext, IEstimator<ITransformer>> Trainer { get; }

    /// <summary>ML.NET's L-BFGS multinomial logistic regression: the usual baseline on bottleneck features.</summary>
    public static MLNetHeadOptions LbfgsMaximumEntropy { get; } = new(
        "lbfgs-maxent", ml => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy());

    /// <summary>ML.NET's SDCA multinomial logistic regression.</summary>
    public static MLNetHeadOptions SdcaMaximumEntropy { get; } = new(
        "sdca-maxent", ml => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy());

    void IHeadRecipe.Validate() => OptionErrors.ThrowIfAny(nameof(MLNetHeadOptions), new OptionErrors()
        .Require(!string.IsNullOrWhiteSpace(Name), nameof(Name), "must not be empty")
        .Require(Trainer is not null, nameof(Trainer), "must be set")
        .All);

    /// <summary>Seed of the <see cref="MLContext"/> the trainer runs in.</summary>
    public int Seed { get; init; } = 42;

    /// <inheritdoc />
    public TrainedHead Train(LabeledFeatures train, LabeledFeatures? validation, int classCount,
        Action<EpochMetrics>? onEpoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        ((IHeadRecipe)this).Validate();
        if (train.Count == 0) throw new ArgumentException("No training examples.", nameof(train));
        cancellationToken.ThrowIfCancellationRequested(); // ML.NET trainers cannot be stopped midway
        var ml = new MLContext(Seed);
        var featureSize = train.Features[0].Length;
        var data = ml.Data.LoadFromEnumerable(
            train.Features.Zip(
                train.Labels, (features, label) => new MLNetHead.Row { Features = features, Label = label }),
            MLNetHead.RowSchema(featureSize));
        // Keys by value: class k is key k + 1, so the Score slots come out in class order.
        var model = ml.Transforms.Conversion.MapValueToKey(
            "Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(Trainer(ml))
            .Fit(data);
        cancellationToken.ThrowIfCancellationRequested();
        return new TrainedHead(new MLNetHead(ml, model, featureSize, classCount), initial: null, history: []);
    }
}
