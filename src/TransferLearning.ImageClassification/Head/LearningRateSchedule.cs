namespace TransferLearning.ImageClassification.Head;

/// <summary>How the learning rate moves from epoch to epoch, starting at
/// <see cref="HeadOptions.LearningRate"/>.</summary>
public abstract class LearningRateSchedule
{
    private protected LearningRateSchedule() { }

    /// <summary>The same rate every epoch.</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantRate();

    /// <summary>Multiply the rate by <paramref name="decayPerEpoch"/> (0 to 1) after every epoch.</summary>
    public static LearningRateSchedule Exponential(double decayPerEpoch) =>
        decayPerEpoch is > 0 and <= 1 ? new ExponentialDecay(decayPerEpoch)
            : throw new ArgumentOutOfRangeException(nameof(decayPerEpoch), decayPerEpoch, "Decay must be in (0, 1].");

    /// <summary>Half a cosine from the base rate down to <paramref name="finalFactor"/> times it at the last
    /// epoch.</summary>
    public static LearningRateSchedule Cosine(double finalFactor = 0) =>
        finalFactor is >= 0 and <= 1 ? new CosineDecay(finalFactor) : throw new ArgumentOutOfRangeException(
            nameof(finalFactor), finalFactor, "Final factor must be in [0, 1].");

    /// <summary>
    /// Multiply the rate by <paramref name="factor"/> when the validation loss (training loss without validation data)
    /// has not improved by <paramref name="minDelta"/> for <paramref name="patience"/> epochs; never below
    /// <paramref name="minFactor"/> times the base rate (Keras' ReduceLROnPlateau).
    /// </summary>
    public static LearningRateSchedule ReduceOnPlateau(
        double factor = 0.1, int patience = 3, double minDelta = 1e-4, double minFactor = 1e-3) =>
        factor is > 0 and < 1 && patience >= 1 && minDelta >= 0 && minFactor is >= 0 and <= 1
            ? new PlateauDecay(factor, patience, minDelta, minFactor)
            : throw new ArgumentOutOfRangeException(
                nameof(factor), "Need 0 < factor < 1, patience >= 1, minDelta >= 0, 0 <= minFactor <= 1.");

    /// <summary>A fresh per-run state that yields each epoch's rate.</summary>
    internal abstract Func<int, double?, float> Start(float baseRate, int epochs);

    private sealed class ConstantRate : LearningRateSchedule
    {
        internal override Func<int, double?, float> Start(float baseRate, int epochs) => (_, _) => baseRate;
    }

    private sealed class ExponentialDecay(double DecayPerEpoch) : LearningRateSchedule
    {
        internal override Func<int, double?, float> Start(float baseRate, int epochs) =>
            (epoch, _) => (float)(baseRate * Math.Pow(DecayPerEpoch, epoch - 1));
    }

    private sealed class CosineDecay(double FinalFactor) : LearningRateSchedule
    {
        internal override Func<int, double?, float> Start(float baseRate, int epochs) => (epoch, _) =>
        {
            var progress = epochs == 1 ? 0 : (epoch - 1) / (double)(epochs - 1);
            return (float)(baseRate * (FinalFactor + (1 - FinalFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress))));
        };
    }

    private sealed class PlateauDecay(double Factor, int Patience, double MinDelta, double MinFactor)
        : LearningRateSchedule
    {
        internal override Func<int, double?, float> Start(float baseRate, int epochs)
        {
            var (rate, best, waited) = ((double)baseRate, double.PositiveInfinity, 0);
            return (_, lastLoss) =>
            {
                if (lastLoss is { } loss)
                {
                    if (loss < best - MinDelta) (best, waited) = (loss, 0);
                    else if (++waited >= Patience) (rate, waited) = (Math.Max(rate * Factor, baseRate * MinFactor), 0);
                }
                return (float)rate;
            };
        }
    }
}
