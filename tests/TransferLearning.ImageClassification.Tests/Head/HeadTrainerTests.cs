using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Head;

public class HeadTrainerTests
{
    public static TheoryData<HeadOptions> Recipes => new()
    {
        new HeadOptions(),
        new HeadOptions { HiddenLayers = [], Dropout = 0 },
        new HeadOptions { Optimizer = Optimizer.RmsProp, LearningRate = 1e-2f, HiddenLayers = [] },
        new HeadOptions { Optimizer = Optimizer.Sgd(nesterov: true), LearningRate = 0.05f },
        new HeadOptions { Optimizer = Optimizer.AdamW(), LearningRate = 1e-2f, Schedule = LearningRateSchedule.Cosine() },
        new HeadOptions { LearningRate = 1e-2f, Schedule = LearningRateSchedule.ReduceOnPlateau(), LabelSmoothing = 0.1f },
    };

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Every_optimiser_learns_separable_classes(HeadOptions options)
    {
        var result = new HeadTrainer(options).Train(FeatureBlobs.Make(60, seed: 1), FeatureBlobs.Make(20, seed: 2), classCount: 3);

        Assert.True(FeatureBlobs.Accuracy(result.Trained, FeatureBlobs.Make(50, seed: 3)) > 0.95);
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss);
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_bit_for_bit()
    {
        var options = new HeadOptions { Epochs = 5, Seed = 9 };

        var a = new HeadTrainer(options).Train(FeatureBlobs.Make(30, 1), FeatureBlobs.Make(10, 2), 3);
        var b = new HeadTrainer(options).Train(FeatureBlobs.Make(30, 1), FeatureBlobs.Make(10, 2), 3);
        var c = new HeadTrainer(new HeadOptions(options) { Seed = 10 }).Train(FeatureBlobs.Make(30, 1), FeatureBlobs.Make(10, 2), 3);

        Assert.True(a.Trained.Parameters.SequenceEqual(b.Trained.Parameters));
        Assert.False(a.Trained.Parameters.SequenceEqual(c.Trained.Parameters));
        SameJson.Equal(a.History, b.History);
    }

    [Fact]
    public void Early_stopping_stops_and_keeps_the_best_validation_epoch()
    {
        var options = new HeadOptions { Epochs = 500, EarlyStoppingPatience = 3, LearningRate = 0.05f, L2 = 0, Dropout = 0 };
        var history = new List<EpochMetrics>();

        var result = new HeadTrainer(options).Train(FeatureBlobs.Make(10, 1), FeatureBlobs.Make(10, 2), 3, history.Add);

        Assert.True(history.Count < 500);
        Assert.Equal(history, result.History);
        Assert.Equal(history.Count - 3, result.BestEpoch);
        Assert.Equal(history.Min(h => h.ValidationLoss), history[result.BestEpoch - 1].ValidationLoss);
    }

    [Fact]
    public void The_history_has_one_entry_per_epoch_with_validation_metrics()
    {
        var history = new List<EpochMetrics>();

        new HeadTrainer(HeadOptions.Article).Train(FeatureBlobs.Make(20, 1), FeatureBlobs.Make(5, 2), 3, history.Add);

        Assert.Equal(Enumerable.Range(1, 10), history.Select(h => h.Epoch));
        Assert.All(history, h => Assert.InRange(h.ValidationAccuracy!.Value, 0, 1));
    }

    [Fact]
    public void Training_can_be_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.Throws<OperationCanceledException>(() => new HeadTrainer().Train(FeatureBlobs.Make(10, 1), null, 3, cancellationToken: cancel.Token));
    }

    [Fact]
    public void Bad_options_are_refused_up_front()
    {
        Assert.Throws<ArgumentException>(() => new HeadTrainer(new HeadOptions { LearningRate = 0 }));
        Assert.Throws<ArgumentException>(() => new HeadTrainer(new HeadOptions { Dropout = 1 }));
        Assert.Throws<ArgumentException>(() => new HeadTrainer(new HeadOptions { BatchSize = 0 }));
    }

    [Fact]
    public void An_optimizer_refuses_its_own_bad_settings_when_made()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizer.Sgd(momentum: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizer.AdamW(weightDecay: -0.1f));
        Assert.Equal("sgd(momentum 0.5, nesterov)", Optimizer.Sgd(0.5f, nesterov: true).ToString());
    }

    [Fact]
    public void One_exception_names_every_bad_setting_at_once()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new HeadTrainer(new HeadOptions { LearningRate = 0, Dropout = 1, BatchSize = 0, Epochs = 0 }));

        Assert.StartsWith("HeadOptions has 4 invalid setting(s):", error.Message, StringComparison.Ordinal);
        foreach (var setting in new[] { "LearningRate", "Dropout", "BatchSize", "Epochs" })
            Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ml_net_recipe_is_checked_too()
    {
        var recipe = new MLNetHeadOptions(" ", null!);

        var error = Assert.Throws<ArgumentException>(() => recipe.Train(FeatureBlobs.Make(10, 1), null, 3, null, default));

        Assert.Contains("Name", error.Message, StringComparison.Ordinal);
        Assert.Contains("Trainer", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Two overlapping classes, the second 9 times rarer.</summary>
    private static LabeledFeatures Imbalanced(int seed)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, 400).Select(i => i % 10 == 0 ? 1 : 0).ToArray();
        var features = labels.Select(l => new[] { l + (float)(random.NextDouble() * 2 - 1) * 1.2f, (float)random.NextDouble() }).ToArray();
        return new LabeledFeatures(features, labels);
    }

    [Fact]
    public void Balanced_class_weights_raise_the_recall_of_a_rare_class()
    {
        var options = new HeadOptions { HiddenLayers = [], Dropout = 0, LearningRate = 1e-2f, Epochs = 30, EarlyStoppingPatience = 0 };
        var test = Imbalanced(seed: 2);
        double RareRecall(DenseHead head) => test.Features.Where((_, i) => test.Labels[i] == 1).Average(x => head.Predict(x)[1] > 0.5f ? 1.0 : 0.0);

        var plain = new HeadTrainer(options).Train(Imbalanced(1), null, 2).Trained;
        var balanced = new HeadTrainer(new HeadOptions(options) { ClassWeights = ClassWeighting.Balanced }).Train(Imbalanced(1), null, 2).Trained;

        Assert.True(RareRecall(balanced) > RareRecall(plain) + 0.2, $"{RareRecall(balanced)} vs {RareRecall(plain)}");
    }

    [Fact]
    public void Label_smoothing_makes_the_head_less_sure()
    {
        var options = new HeadOptions { HiddenLayers = [], Dropout = 0, LearningRate = 1e-2f, Epochs = 40, EarlyStoppingPatience = 0, L2 = 0 };
        var sample = FeatureBlobs.Make(1, seed: 4).Features[0];

        var sharp = new HeadTrainer(options).Train(FeatureBlobs.Make(40, 1), null, 3).Trained.Predict(sample).Max();
        var smooth = new HeadTrainer(new HeadOptions(options) { LabelSmoothing = 0.2f }).Train(FeatureBlobs.Make(40, 1), null, 3).Trained.Predict(sample).Max();

        Assert.True(smooth < sharp && smooth < 0.95f, $"{smooth} vs {sharp}");
    }

    [Fact]
    public void AdamW_decay_keeps_the_weights_smaller_than_Adam()
    {
        var options = new HeadOptions { HiddenLayers = [], Dropout = 0, L2 = 0, LearningRate = 1e-2f, Epochs = 30, EarlyStoppingPatience = 0 };
        static double Norm(DenseHead head) => Math.Sqrt(head.Parameters.ToArray().Sum(p => (double)p * p));

        var adam = new HeadTrainer(options).Train(FeatureBlobs.Make(30, 1), null, 3).Trained;
        var adamW = new HeadTrainer(new HeadOptions(options) { Optimizer = Optimizer.AdamW(weightDecay: 0.5f) }).Train(FeatureBlobs.Make(30, 1), null, 3).Trained;

        Assert.True(Norm(adamW) < 0.9 * Norm(adam), $"{Norm(adamW)} vs {Norm(adam)}");
    }

    [Fact]
    public void Without_restore_best_the_last_epoch_is_kept()
    {
        var options = new HeadOptions { Epochs = 500, EarlyStoppingPatience = 3, LearningRate = 0.05f, L2 = 0, Dropout = 0, RestoreBestWeights = false };

        var result = new HeadTrainer(options).Train(FeatureBlobs.Make(10, 1), FeatureBlobs.Make(10, 2), 3);

        Assert.Equal(result.History.Count, result.BestEpoch);
    }

    [Fact]
    public void A_minimum_improvement_stops_training_sooner()
    {
        var options = new HeadOptions { Epochs = 300, EarlyStoppingPatience = 5 };

        var strict = new HeadTrainer(new HeadOptions(options) { EarlyStoppingMinDelta = 0.05 }).Train(FeatureBlobs.Make(30, 1), FeatureBlobs.Make(10, 2), 3);
        var lenient = new HeadTrainer(options).Train(FeatureBlobs.Make(30, 1), FeatureBlobs.Make(10, 2), 3);

        Assert.True(strict.History.Count < lenient.History.Count, $"{strict.History.Count} vs {lenient.History.Count}");
    }

    [Fact]
    public void The_history_records_each_epochs_learning_rate()
    {
        var result = new HeadTrainer(new HeadOptions { Epochs = 3, LearningRate = 0.1f, Schedule = LearningRateSchedule.Exponential(0.5), EarlyStoppingPatience = 0 })
            .Train(FeatureBlobs.Make(10, 1), null, 3);

        Assert.Equal([0.1, 0.05, 0.025], result.History.Select(h => Math.Round(h.LearningRate, 6)));
    }

    [Fact]
    public void Labels_outside_the_classes_are_refused()
    {
        var data = new LabeledFeatures([[1f, 2f], [3f, 4f]], [0, 3]);

        var error = Assert.Throws<ArgumentException>(() => new HeadTrainer().Train(data, null, classCount: 3));
        Assert.Contains("0 to 2", error.Message);
    }

    [Fact]
    public void Averaging_views_gives_the_mean_of_their_probabilities()
    {
        var head = new HeadTrainer(new HeadOptions { Epochs = 2 }).Train(FeatureBlobs.Make(10, 1), null, 3).Trained;
        var (a, b) = (FeatureBlobs.Make(1, 5).Features[0], FeatureBlobs.Make(1, 6).Features[1]);

        var mean = head.PredictMean([.. a, .. b]);

        Assert.All(mean.Zip(head.Predict(a).Zip(head.Predict(b), (p, q) => (p + q) / 2)), pair => Assert.Equal(pair.Second, pair.First, 6));
        Assert.Equal(head.Predict(a), head.PredictMean(a));
    }

    [Fact]
    public void Probabilities_sum_to_one()
    {
        var head = new HeadTrainer(new HeadOptions { Epochs = 2 }).Train(FeatureBlobs.Make(10, 1), null, 3).Trained;

        Assert.Equal(1f, head.Predict(FeatureBlobs.Make(1, 5).Features[0]).Sum(), 5);
    }
}
