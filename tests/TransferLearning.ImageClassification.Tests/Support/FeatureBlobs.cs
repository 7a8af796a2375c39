using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Tests.Support;

internal static class FeatureBlobs
{
    /// <summary>Three Gaussian blobs in 8 dimensions, offset so that raw features are far from standardised.</summary>
    public static LabeledFeatures Make(int perClass, int seed)
    {
        var random = new Random(seed);
        var features = new List<float[]>();
        var labels = new List<int>();
        for (var k = 0; k < 3; k++)
            for (var i = 0; i < perClass; i++)
            {
                features.Add(Enumerable.Range(0, 8).Select(j => 50f + (j == k ? 3f : 0f) + (float)(random.NextDouble() * 2 - 1)).ToArray());
                labels.Add(k);
            }
        return new LabeledFeatures(features, labels);
    }

    /// <summary>Share of <paramref name="data"/> that <paramref name="head"/> classifies right.</summary>
    public static double Accuracy(IClassifierHead head, LabeledFeatures data) =>
        data.Features.Select((x, i) =>
        {
            var p = head.PredictMean(x);
            return Array.IndexOf(p, p.Max()) == data.Labels[i] ? 1.0 : 0.0;
        }).Average();
}
