using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Tests.Head;

public class LearningRateScheduleTests
{
    private static float[] Rates(LearningRateSchedule schedule, int epochs, params double?[] losses)
    {
        var next = schedule.Start(0.1f, epochs);
        return Enumerable.Range(1, epochs).Select(e => next(e, e == 1 ? null : losses.ElementAtOrDefault(e - 2))).ToArray();
    }

    [Fact]
    public void Constant_keeps_the_base_rate()
    {
        Assert.All(Rates(LearningRateSchedule.Constant, 5), r => Assert.Equal(0.1f, r));
    }

    [Fact]
    public void Exponential_multiplies_by_the_decay_each_epoch()
    {
        Assert.Equal([0.1f, 0.05f, 0.025f], Rates(LearningRateSchedule.Exponential(0.5), 3));
    }

    [Fact]
    public void Cosine_goes_from_the_base_rate_to_the_final_factor()
    {
        var rates = Rates(LearningRateSchedule.Cosine(finalFactor: 0.1), 5);

        Assert.Equal(0.1f, rates[0], 6);
        Assert.Equal(0.055f, rates[2], 6); // halfway: mean of 0.1 and 0.01
        Assert.Equal(0.01f, rates[^1], 6);
        Assert.True(rates.Zip(rates.Skip(1)).All(p => p.First > p.Second));
    }

    [Fact]
    public void Reduce_on_plateau_cuts_the_rate_after_patience_epochs_without_improvement()
    {
        var schedule = LearningRateSchedule.ReduceOnPlateau(factor: 0.5, patience: 2, minDelta: 0.01, minFactor: 0.3);

        // losses after epochs 1..6: improve, stall, stall (cut), stall, stall (cut, floored), improve
        var rates = Rates(schedule, 7, 1.0, 0.995, 0.999, 1.0, 1.0, 0.5);

        Assert.Equal([0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.03f, 0.03f], rates.Select(r => MathF.Round(r, 6)));
    }

    [Fact]
    public void Nonsense_parameters_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Exponential(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.ReduceOnPlateau(factor: 1));
    }
}
