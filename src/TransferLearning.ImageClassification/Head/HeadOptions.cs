using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// How the dense head is trained. The defaults (one hidden ReLU layer of 256 with dropout 0.5, Adam 3e-4, L2 1e-2,
/// early stopping after 10 epochs) were picked on the bundled Fashion-MNIST split; <see cref="Article"/> is the
/// article's recipe.
/// </summary>
public sealed class HeadOptions : IHeadRecipe
{
    /// <summary>Options with every setting at its default.</summary>
    public HeadOptions()
    {
    }

    /// <summary>
    /// A copy of <paramref name="other"/>, to change a few settings with an object initializer:
    /// <c>new HeadOptions(HeadOptions.Article) { Seed = 7 }</c>.
    /// </summary>
    /// <param name="other">The options to copy.</param>
    public HeadOptions(HeadOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Name = other.Name;
        Optimizer = other.Optimizer;
        LearningRate = other.LearningRate;
        Schedule = other.Schedule;
        Epochs = other.Epochs;
        BatchSize = other.BatchSize;
        HiddenLayers = other.HiddenLayers;
        Dropout = other.Dropout;
        ClassWeights = other.ClassWeights;
        LabelSmoothing = other.LabelSmoothing;
        L2 = other.L2;
        EarlyStoppingPatience = other.EarlyStoppingPatience;
        EarlyStoppingMinDelta = other.EarlyStoppingMinDelta;
        RestoreBestWeights = other.RestoreBestWeights;
        StandardizeFeatures = other.StandardizeFeatures;
        Seed = other.Seed;
    }

    /// <summary>The article's settings: RMSprop, learning rate 1e-4, 10 epochs, batch 32, no early stopping.</summary>
    public static HeadOptions Article { get; } = new()
    {
        Name = "article",
        Optimizer = Optimizer.RmsProp,
        LearningRate = 1e-4f,
        Epochs = 10,
        EarlyStoppingPatience = 0,
        L2 = 0,
        HiddenLayers = [],
        Dropout = 0,
    };

    /// <summary>Short name for reports.</summary>
    public string Name { get; init; } = "dense";

    /// <summary>Update rule and its settings (default <see cref="Optimizer.Adam"/>).</summary>
    public Optimizer Optimizer { get; init; } = Optimizer.Adam;

    /// <summary>Step size (at the first epoch; see <see cref="Schedule"/>).</summary>
    public float LearningRate { get; init; } = 3e-4f;

    /// <summary>How the learning rate changes over the epochs (default constant).</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Most passes over the training features.</summary>
    public int Epochs { get; init; } = 200;

    /// <summary>Examples per gradient step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Units of each hidden ReLU layer between the features and the softmax (empty: a single Dense layer, as
    /// in the article).</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [256];

    /// <summary>Share of hidden units dropped at each training step (0 to below 1).</summary>
    public float Dropout { get; init; } = 0.5f;

    /// <summary>How much each class counts in the loss (default: all the same).</summary>
    public ClassWeighting ClassWeights { get; init; } = ClassWeighting.None;

    /// <summary>Label smoothing ε: targets are <c>(1 − ε)</c> on the true class and <c>ε / classes</c> spread over
    /// all.</summary>
    public float LabelSmoothing { get; init; }

    /// <summary>L2 penalty on the weights (added to the gradient as <c>L2 · w</c>).</summary>
    public float L2 { get; init; } = 1e-2f;

    /// <summary>Stop after this many epochs without a better validation loss (0: never stop early).</summary>
    public int EarlyStoppingPatience { get; init; } = 10;

    /// <summary>How much lower a validation loss must be to count as better, for early stopping.</summary>
    public double EarlyStoppingMinDelta { get; init; }

    /// <summary>With early stopping, end with the best validation epoch's weights rather than the last
    /// epoch's.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Standardise each feature with the training mean and deviation (folded into the weights
    /// afterwards).</summary>
    public bool StandardizeFeatures { get; init; } = true;

    /// <summary>Seed for weight initialisation and shuffling: the same seed and data give the same weights.</summary>
    public int Seed { get; init; } = 42;

    /// <inheritdoc />
    public TrainedHead Train(LabeledFeatures train, LabeledFeatures? validation, int classCount,
        Action<EpochMetrics>? onEpoch, CancellationToken cancellationToken)
    {
        var result = new HeadTrainer(this).Train(train, validation, classCount, onEpoch, cancellationToken);
        return new TrainedHead(result.Trained, result.Initial, result.History);
    }

    /// <summary>Every invalid setting, e.g. "Epochs must be at least 1 (got 0)".</summary>
    internal IReadOnlyList<string> Errors() => new OptionErrors()
        .Require(LearningRate > 0
            && float.IsFinite(LearningRate), nameof(LearningRate), "must be positive", LearningRate)
        .Require(Epochs >= 1, nameof(Epochs), "must be at least 1", Epochs)
        .Require(BatchSize >= 1, nameof(BatchSize), "must be at least 1", BatchSize)
        .Require(L2 >= 0, nameof(L2), "must not be negative", L2)
        .Require(
            EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), "must not be negative", EarlyStoppingPatience)
        .Require(HiddenLayers is not null
            && HiddenLayers.All(h => h >= 1), nameof(HiddenLayers), "need at least one unit each")
        .Require(Dropout is >= 0 and < 1, nameof(Dropout), "must be in [0, 1)", Dropout)
        .Require(
            EarlyStoppingMinDelta >= 0, nameof(EarlyStoppingMinDelta), "must not be negative", EarlyStoppingMinDelta)
        .Require(LabelSmoothing is >= 0 and < 1, nameof(LabelSmoothing), "must be in [0, 1)", LabelSmoothing)
        .Require(Schedule is not null, nameof(Schedule), "must be set")
        .Require(ClassWeights is not null, nameof(ClassWeights), "must be set")
        .Require(!string.IsNullOrWhiteSpace(Name), nameof(Name), "must not be empty")
        .Require(Optimizer is not null, nameof(Optimizer), "must be set")
        .All;

    void IHeadRecipe.Validate() => Validate();

    internal void Validate() => OptionErrors.ThrowIfAny(nameof(HeadOptions), Errors());
}
