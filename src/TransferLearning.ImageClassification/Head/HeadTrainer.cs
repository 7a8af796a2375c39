using System.Numerics.Tensors;
using TransferLearning.ImageClassification.Head.Optimizers;

namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// Trains a <see cref="DenseHead"/> on bottleneck features by mini-batch gradient descent on cross-entropy.
/// </summary>
internal sealed class HeadTrainer
{
    private readonly HeadOptions _options;

    /// <summary>Creates a trainer; the options are checked here, once.</summary>
    public HeadTrainer(HeadOptions? options = null)
    {
        _options = options ?? new HeadOptions();
        _options.Validate();
    }

    /// <summary>
    /// Trains on <paramref name="train"/>, watching <paramref name="validation"/> for early stopping.
    /// </summary>
    /// <param name="train">Training features and labels.</param>
    /// <param name="validation">Validation features and labels, or null (no early stopping then).</param>
    /// <param name="classCount">Number of classes (labels are 0 … classCount − 1).</param>
    /// <param name="onEpoch">Called after each epoch with its metrics.</param>
    /// <param name="cancellationToken">Checked between mini-batches.</param>
    public HeadTrainingResult Train(
        LabeledFeatures train,
        LabeledFeatures? validation,
        int classCount,
        Action<EpochMetrics>? onEpoch = null,
        CancellationToken cancellationToken = default)
    {
        var featureSize = CheckArguments(train, validation, classCount);
        int[] sizes = [featureSize, .. _options.HiddenLayers, classCount];
        var standardizer = _options.StandardizeFeatures
            ? FeatureStandardizer.Fit(train.Features)
            : FeatureStandardizer.Identity(featureSize);
        var trainSet = new Examples(standardizer.Apply(train.Features), train.Labels);
        var validationSet = validation is { Count: > 0 }
            ? new Examples(standardizer.Apply(validation.Features), validation.Labels)
            : null;

        var random = new Random(_options.Seed);
        var parameters = Initialize(sizes, random);
        var initial = standardizer.Fold(sizes, parameters);
        var (history, stopping) = Fit(sizes, parameters, random, trainSet, validationSet, onEpoch, cancellationToken);

        // Without early stopping (or restore-best) the last epoch's weights are the result, as in Keras' fit().
        var restoreBest =
            _options.RestoreBestWeights && _options.EarlyStoppingPatience > 0 && validationSet is not null;
        return new HeadTrainingResult(
            initial,
            standardizer.Fold(sizes, restoreBest ? stopping.Best : parameters),
            history,
            restoreBest ? stopping.BestEpoch : history.Count);
    }

    /// <summary>Checks the arguments of <see cref="Train"/>; returns the length of the feature vectors.</summary>
    private static int CheckArguments(LabeledFeatures train, LabeledFeatures? validation, int classCount)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0) throw new ArgumentException("No training examples.", nameof(train));
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        var featureSize = train.Features[0].Length;
        Check(train, featureSize, classCount, nameof(train));
        if (validation is not null) Check(validation, featureSize, classCount, nameof(validation));
        return featureSize;
    }

    /// <summary>
    /// The epochs, each a shuffled pass of mini-batch steps and then a validation score, until the last or until
    /// early stopping; <paramref name="parameters"/> ends as the last epoch left them.
    /// </summary>
    private (List<EpochMetrics> History, EarlyStopping Stopping) Fit(
        int[] sizes, float[] parameters, Random random, Examples train, Examples? validation,
        Action<EpochMetrics>? onEpoch, CancellationToken cancellationToken)
    {
        var pass = new Backpropagation(sizes, _options, _options.ClassWeights.Resolve(train.Labels, sizes[^1]), random);
        var optimizer = _options.Optimizer.Create(sizes);
        var rateFor = _options.Schedule.Start(_options.LearningRate, _options.Epochs);
        var scoring = validation is null ? null : new DenseBatch(sizes, capacity: 256);
        var order = Enumerable.Range(0, train.Labels.Count).ToArray();
        var (history, stopping) = (new List<EpochMetrics>(), new EarlyStopping(_options, parameters));
        double? lastMonitored = null;
        for (var epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            var learningRate = rateFor(epoch, lastMonitored);
            random.Shuffle(order);
            var (lossSum, correct) = Epoch(pass, optimizer, parameters, order, train, learningRate, cancellationToken);
            var (validationLoss, validationAccuracy) = validation is null
                ? ((double?)null, (double?)null)
                : Score(scoring!, parameters, validation.X, validation.Labels);
            var metrics = new EpochMetrics(epoch, lossSum / order.Length, (double)correct / order.Length,
                validationLoss, validationAccuracy, learningRate);
            history.Add(metrics);
            onEpoch?.Invoke(metrics);

            var monitored = validationLoss ?? metrics.TrainLoss;
            lastMonitored = monitored;
            if (stopping.ShouldStop(epoch, monitored, parameters, onValidation: validationLoss is not null)) break;
        }
        return (history, stopping);
    }

    /// <summary>One pass over <paramref name="order"/>, a step per mini-batch; sums the loss and hits.</summary>
    private (double LossSum, int Correct) Epoch(
        Backpropagation pass, IOptimizer optimizer, float[] parameters, int[] order, Examples train, float learningRate,
        CancellationToken cancellationToken)
    {
        var (lossSum, correct) = (0.0, 0);
        for (var start = 0; start < order.Length; start += _options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.AsSpan(start, Math.Min(_options.BatchSize, order.Length - start));
            var (loss, hits) = pass.Gradient(parameters, batch, train.X, train.Labels);
            (lossSum, correct) = (lossSum + loss, correct + hits);
            optimizer.Step(parameters, pass.Result, learningRate);
        }
        return (lossSum, correct);
    }

    private static void Check(LabeledFeatures data, int featureSize, int classCount, string name)
    {
        if (data.Features.Count != data.Labels.Count)
            throw new ArgumentException($"{data.Features.Count} feature vectors but {data.Labels.Count} labels.", name);
        if (data.Features.Any(f => f.Length != featureSize))
            throw new ArgumentException($"Every feature vector must have {featureSize} values.", name);
        if (data.Labels.Any(l => l < 0 || l >= classCount))
            throw new ArgumentException($"Labels must be class indices from 0 to {classCount - 1}.", name);
    }

    /// <summary>Glorot-uniform weights (Keras' Dense default) and zero biases.</summary>
    private static float[] Initialize(int[] sizes, Random random)
    {
        var parameters = new float[checked((int)DenseHead.ParameterCount(sizes))];
        var offset = 0;
        for (var layer = 0; layer < sizes.Length - 1; layer++)
        {
            var (inSize, outSize) = (sizes[layer], sizes[layer + 1]);
            var limit = MathF.Sqrt(6f / (inSize + outSize));
            foreach (ref var w in parameters.AsSpan(offset, inSize * outSize))
                w = (random.NextSingle() * 2 - 1) * limit;
            offset += (inSize + 1) * outSize;
        }
        return parameters;
    }

    private static (double Loss, double Accuracy) Score(
        DenseBatch batch, float[] parameters, float[][] x, IReadOnlyList<int> labels)
    {
        var rows = Enumerable.Range(0, x.Length).ToArray();
        var (loss, correct) = (0.0, 0);
        for (var start = 0; start < x.Length; start += batch.Capacity)
        {
            batch.Load(rows.AsSpan(start, Math.Min(batch.Capacity, x.Length - start)), x);
            batch.Forward(parameters, dropoutScale: null);
            for (var i = 0; i < batch.Count; i++)
            {
                var label = labels[start + i];
                loss -= batch.LogProbabilities(i)[label];
                correct += TensorPrimitives.IndexOfMax(batch.Probabilities(i)) == label ? 1 : 0;
            }
        }
        return (loss / x.Length, (double)correct / x.Length);
    }

    /// <summary>Standardized feature vectors with their labels.</summary>
    private sealed record Examples(float[][] X, IReadOnlyList<int> Labels);

    /// <summary>
    /// Keras' EarlyStopping: remembers the weights of the epoch with the lowest monitored loss (validation loss, else
    /// training loss) and, on validation data, stops after <see cref="HeadOptions.EarlyStoppingPatience"/> epochs
    /// without an improvement of more than <see cref="HeadOptions.EarlyStoppingMinDelta"/>.
    /// </summary>
    private sealed class EarlyStopping(HeadOptions options, float[] initial)
    {
        private double _bestLoss = double.PositiveInfinity;
        private int _waited;

        public float[] Best { get; private set; } = initial.ToArray();

        public int BestEpoch { get; private set; }

        /// <summary>Records an epoch's monitored loss; true when training should stop.</summary>
        public bool ShouldStop(int epoch, double monitored, float[] parameters, bool onValidation)
        {
            if (monitored < _bestLoss - options.EarlyStoppingMinDelta)
            {
                (Best, BestEpoch, _bestLoss, _waited) = (parameters.ToArray(), epoch, monitored, 0);
                return false;
            }
            return options.EarlyStoppingPatience > 0 && onValidation && ++_waited >= options.EarlyStoppingPatience;
        }
    }
}
