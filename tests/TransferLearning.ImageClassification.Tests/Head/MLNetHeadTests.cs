using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Head;

public class MLNetHeadTests
{
    public static TheoryData<string> Trainers => ["lbfgs", "sdca"];

    private static MLNetHeadOptions Recipe(string name) => name == "lbfgs" ? MLNetHeadOptions.LbfgsMaximumEntropy : MLNetHeadOptions.SdcaMaximumEntropy;

    [Theory]
    [MemberData(nameof(Trainers))]
    public void An_ml_net_trainer_learns_separable_classes_and_gives_probabilities(string trainer)
    {
        var trained = Recipe(trainer).Train(FeatureBlobs.Make(60, seed: 1), validation: null, classCount: 3, onEpoch: null, CancellationToken.None);

        Assert.InRange(FeatureBlobs.Accuracy(trained.Trained, FeatureBlobs.Make(20, seed: 2)), 0.95, 1.0);
        var probabilities = trained.Trained.PredictMean(FeatureBlobs.Make(1, seed: 3).Features[0]);
        Assert.Equal(1.0, probabilities.Sum(), 1e-4);
        Assert.Null(trained.Initial);
        Assert.Empty(trained.History);
    }

    [Fact]
    public void The_same_seed_gives_the_same_model()
    {
        var data = FeatureBlobs.Make(30, seed: 4);
        var probe = FeatureBlobs.Make(1, seed: 5).Features[0];

        var first = MLNetHeadOptions.SdcaMaximumEntropy.Train(data, null, 3, null, CancellationToken.None).Trained.PredictMean(probe);
        var second = MLNetHeadOptions.SdcaMaximumEntropy.Train(data, null, 3, null, CancellationToken.None).Trained.PredictMean(probe);

        Assert.Equal(first, second);
    }

    [Fact]
    public void A_wrong_feature_count_is_refused()
    {
        var head = MLNetHeadOptions.LbfgsMaximumEntropy.Train(FeatureBlobs.Make(10, seed: 6), null, 3, null, CancellationToken.None).Trained;

        Assert.Throws<ArgumentException>(() => head.PredictMean(new float[7]));
    }
}
