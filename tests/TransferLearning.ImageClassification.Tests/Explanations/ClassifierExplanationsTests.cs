using Microsoft.ML;
using SkiaSharp;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Explanations;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Explanations;

/// <summary>Grad-CAM without a backward pass through the network is exact: checked against its definition, by finite differences.</summary>
public sealed class ClassifierExplanationsTests : IDisposable
{
    private const int Features = 8;
    private readonly TempFolder _folder = TestImages.NewFolder();

    public void Dispose() => _folder.Dispose();

    private TransferClassifier Classifier(DenseHead head, FeaturePooling pooling = FeaturePooling.GlobalAverage)
    {
        var backbone = new BackboneSpec(TinyOnnx.Backbone(_folder, Features)) { Pooling = pooling };
        return new TransferClassifier(BottleneckFeaturizer.Create(backbone), head, [.. Enumerable.Range(0, head.ClassCount).Select(k => $"class{k}")], novelty: null);
    }

    private static DenseHead RandomHead(int seed, params int[] sizes)
    {
        var random = new Random(seed);
        return new DenseHead(sizes, [.. Enumerable.Range(0, (int)DenseHead.ParameterCount(sizes)).Select(_ => random.NextSingle() * 2 - 1)]);
    }

    private static byte[] Image(byte seed) => TestImages.Encode(SKEncodedImageFormat.Png, 64, 48, seed: seed);

    [Fact]
    public void On_a_linear_head_the_map_s_mean_is_the_class_score_less_its_bias()
    {
        var head = RandomHead(1, Features, 3);
        using var classifier = Classifier(head);

        for (var target = 0; target < 3; target++)
        {
            var (_, map) = ClassifierExplanations.Activation(classifier, Image(7), $"class{target}");

            // z_t − mean z without the biases: the features times the target's weights less the mean weights.
            var weights = head.Parameters[..(3 * Features)].ToArray();
            var expected = 0.0;
            for (var k = 0; k < Features; k++)
                expected += (weights[target * Features + k] - Enumerable.Range(0, 3).Average(c => weights[c * Features + k])) * map.Features[k];
            Assert.Equal(expected, map.Values.Average(), 1e-5 * Math.Max(1, Math.Abs(expected)));
        }
    }

    [Theory]
    [InlineData(FeaturePooling.GlobalAverage)]
    [InlineData(FeaturePooling.GlobalMax)]
    [InlineData(FeaturePooling.GlobalAverageAndMax)]
    public void The_map_gradient_is_the_finite_difference_gradient_of_the_class_score(FeaturePooling pooling)
    {
        var inputs = pooling == FeaturePooling.GlobalAverageAndMax ? 2 * Features : Features;
        var head = RandomHead(2, inputs, 6, 3);
        using var classifier = Classifier(head, pooling);
        var (views, map, shape) = classifier.Featurizer.FeaturizeWithMap(Image(9));
        var (channels, area) = (shape[1], shape[2] * shape[3]);
        var activations = map[..(channels * area)].Select(v => (double)v).ToArray();
        const int Target = 1;

        var gradient = ClassScoreGradient.Of(head, views.AsSpan(0, inputs), Target);
        var analytic = ClassActivation.MapGradient(map.AsSpan(0, channels * area), channels, area, pooling, gradient);

        // Every place the gradient is not 0 (under max pooling, each channel's maximum) and as many other places.
        var random = new Random(3);
        var nonzero = Enumerable.Range(0, analytic.Length).Where(i => analytic[i] != 0).Take(40).ToArray();
        Assert.NotEmpty(nonzero);
        var probes = nonzero.Concat(Enumerable.Range(0, nonzero.Length).Select(_ => random.Next(activations.Length)));
        var checkedPlaces = 0;
        foreach (var at in probes.Where(i => !TiedMaximum(activations, i / area * area, area)))
        {
            checkedPlaces++;
            const double Step = 1e-4;
            var saved = activations[at];
            activations[at] = saved + Step;
            var up = Score(head, Pool(activations, channels, area, pooling), Target);
            activations[at] = saved - Step;
            var down = Score(head, Pool(activations, channels, area, pooling), Target);
            activations[at] = saved;
            Assert.Equal((up - down) / (2 * Step), analytic[at], 1e-3);
        }
        Assert.True(checkedPlaces >= 10, $"only {checkedPlaces} places had a derivative");
    }

    [Fact]
    public void For_two_classes_one_class_s_map_is_the_other_s_negated()
    {
        using var classifier = Classifier(RandomHead(4, Features, 5, 2));

        var (_, first) = ClassifierExplanations.Activation(classifier, Image(11), "class0");
        var (_, second) = ClassifierExplanations.Activation(classifier, Image(11), "class1");

        Assert.All(first.Values.Zip(second.Values), pair => Assert.Equal(-pair.First, pair.Second, 1e-5));
    }

    [Fact]
    public void The_explanation_carries_predict_s_answer_and_a_heatmap_over_the_upright_image()
    {
        using var classifier = Classifier(RandomHead(5, Features, 3));
        var image = ExifJpeg.WithOrientation(TestImages.Encode(SKEncodedImageFormat.Jpeg, 60, 90), 6);

        var explanation = classifier.Explain(image);

        SameScores.Equal(classifier.Predict(image).Scores, explanation.Prediction.Scores);
        Assert.Equal(explanation.Prediction.Label, explanation.Target);
        Assert.Equal((14, 14), (explanation.Heatmap.Width, explanation.Heatmap.Height));
        Assert.Equal((90, 60), (explanation.ImageWidth, explanation.ImageHeight));
        Assert.Equal((90, 60), (explanation.ImageHeatmap.Width, explanation.ImageHeatmap.Height));
        Assert.All(explanation.Heatmap.Values.ToArray(), v => Assert.True(v >= 0));
    }

    [Fact]
    public void A_class_it_does_not_know_or_a_backbone_without_a_map_is_refused_by_name()
    {
        using var classifier = Classifier(RandomHead(6, Features, 3));
        Assert.Contains("'zebra' is not a class", Assert.Throws<ArgumentException>(() => classifier.Explain(Image(1), "zebra")).Message);

        var flat = new BackboneSpec(TinyOnnx.Backbone(_folder, Features)) { Pooling = FeaturePooling.None, FeatureNode = "pooled" };
        using var unpooled = new TransferClassifier(BottleneckFeaturizer.Create(flat), RandomHead(6, Features, 3), ["a", "b", "c"], novelty: null);
        Assert.Contains("FeaturePooling.None", Assert.Throws<NotSupportedException>(() => unpooled.Explain(Image(1))).Message);
    }

    [Fact]
    public void A_linear_ml_net_head_is_explained_by_its_weights_and_another_ml_net_head_is_refused_by_name()
    {
        var random = new Random(8);
        var rows = Enumerable.Range(0, 60).Select(i => Enumerable.Range(0, Features).Select(k => random.NextSingle() + (k == i % 3 ? 1f : 0f)).ToArray()).ToArray();
        var train = new LabeledFeatures(rows, [.. Enumerable.Range(0, 60).Select(i => i % 3)]);
        var linear = (MLNetHead)MLNetHeadOptions.LbfgsMaximumEntropy.Train(train, null, 3, null, default).Trained;
        var features = rows[4];

        var gradient = ClassScoreGradient.Of(linear, features, 2);

        // The softmax of a linear model: log p_2 − mean log p moves by exactly the gradient along each feature.
        for (var k = 0; k < Features; k++)
        {
            var moved = features.ToArray();
            moved[k] += 0.5f;
            Assert.Equal(CenteredLog(linear.PredictMean(moved), 2) - CenteredLog(linear.PredictMean(features), 2), 0.5 * gradient[k], 2e-3);
        }
        var perceptron = new MLNetHeadOptions("ova", ml => ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.AveragedPerceptron()));
        var other = perceptron.Train(train, null, 3, null, default).Trained;
        Assert.Contains("linear ML.NET head", Assert.Throws<NotSupportedException>(() => ClassScoreGradient.Of(other, features, 0)).Message);
    }

    /// <summary>Whether a channel's maximum is shared by several places (a dead ReLU channel): no derivative there.</summary>
    private static bool TiedMaximum(double[] map, int start, int area)
    {
        var plane = map.AsSpan(start, area);
        var max = plane.ToArray().Max();
        return plane.ToArray().Count(v => v == max) > 1;
    }

    private static double CenteredLog(float[] probabilities, int target) =>
        Math.Log(probabilities[target]) - probabilities.Average(p => Math.Log(p));

    /// <summary>The backbone's pooling, in double.</summary>
    private static double[] Pool(double[] map, int channels, int area, FeaturePooling pooling)
    {
        var average = Enumerable.Range(0, channels).Select(k => map.Skip(k * area).Take(area).Average());
        var maximum = Enumerable.Range(0, channels).Select(k => map.Skip(k * area).Take(area).Max());
        return pooling switch
        {
            FeaturePooling.GlobalAverage => [.. average],
            FeaturePooling.GlobalMax => [.. maximum],
            _ => [.. average, .. maximum],
        };
    }

    /// <summary>The dense head's z_target − mean z, in double, from its parameters.</summary>
    private static double Score(DenseHead head, double[] features, int target)
    {
        var (input, offset) = (features, 0);
        var parameters = head.Parameters.ToArray();
        for (var layer = 0; layer < head.LayerSizes.Count - 1; layer++)
        {
            var (inSize, outSize) = (head.LayerSizes[layer], head.LayerSizes[layer + 1]);
            var output = new double[outSize];
            for (var o = 0; o < outSize; o++)
            {
                output[o] = parameters[offset + inSize * outSize + o];
                for (var j = 0; j < inSize; j++) output[o] += parameters[offset + o * inSize + j] * input[j];
                if (layer < head.LayerSizes.Count - 2) output[o] = Math.Max(output[o], 0);
            }
            offset += (inSize + 1) * outSize;
            input = output;
        }
        return input[target] - input.Average();
    }
}
