using TransferLearning.ImageClassification.Evaluation;
using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Tests.Evaluation;

public class ClassifierEvaluatorTests
{
    [Fact]
    public void Metrics_match_a_hand_worked_example()
    {
        // true: a a b b c ; predicted: a b b b a
        int[] labels = [0, 0, 1, 1, 2];
        float[][] probabilities =
        [
            [0.8f, 0.1f, 0.1f], [0.3f, 0.6f, 0.1f], [0.1f, 0.8f, 0.1f], [0.2f, 0.7f, 0.1f], [0.5f, 0.2f, 0.3f],
        ];

        var metrics = ClassifierEvaluator.Evaluate(labels, probabilities, ["a", "b", "c"], topK: 2);

        Assert.Equal(0.6, metrics.Accuracy, 6);
        Assert.Equal((0.5 + 1 + 0) / 3, metrics.MacroAccuracy, 6);
        var expectedLogLoss = -(Math.Log(0.8) + Math.Log(0.3) + Math.Log(0.8) + Math.Log(0.7) + Math.Log(0.3)) / 5;
        Assert.Equal(expectedLogLoss, metrics.LogLoss, 5);
        Assert.Equal(1.0, metrics.TopKAccuracy, 6); // every true class is first or second
        Assert.Equal([[1, 1, 0], [0, 2, 0], [1, 0, 0]], metrics.ConfusionMatrix.Select(r => r.ToArray()));
        var b = metrics.PerClass[1];
        Assert.Equal(("b", 2.0 / 3, 1.0, 0.8, 2), (b.Label, b.Precision, b.Recall, b.F1, b.Support));
        Assert.Equal(0, metrics.PerClass[2].F1);
        Assert.Equal([("a", "b", 1), ("c", "a", 1)], metrics.MostConfused.Select(p => (p.Actual, p.Predicted, p.Count)));
    }

    [Fact]
    public void The_most_confused_pairs_come_most_often_first_and_are_part_of_the_json_report()
    {
        // true: a a a b b c ; predicted: c c b a a a
        var metrics = ClassifierEvaluator.Evaluate([0, 0, 0, 1, 1, 2], [.. new[] { 2, 2, 1, 0, 0, 0 }.Select(OneHot)], ["a", "b", "c"]);

        Assert.Equal(
            [("a", "c", 2), ("b", "a", 2), ("a", "b", 1), ("c", "a", 1)],
            metrics.MostConfused.Select(p => (p.Actual, p.Predicted, p.Count)));
        var json = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(metrics, TransferLearning.ImageClassification.IO.JsonReport.Options));
        Assert.Equal("c", json.RootElement.GetProperty("mostConfused")[0].GetProperty("predicted").GetString());

        static float[] OneHot(int k) => [.. Enumerable.Range(0, 3).Select(c => c == k ? 0.9f : 0.05f)];
    }

    [Fact]
    public void Two_classes_also_get_auc_f1_precision_and_recall_of_the_second_class()
    {
        // positive-class probabilities 0.9 0.6 0.4 | 0.7 0.2 0.1 for true labels 1 1 1 | 0 0 0
        int[] labels = [1, 1, 1, 0, 0, 0];
        float[][] probabilities = new[] { 0.9f, 0.6f, 0.4f, 0.7f, 0.2f, 0.1f }.Select(p => new[] { 1 - p, p }).ToArray();

        var metrics = ClassifierEvaluator.Evaluate(labels, probabilities, ["cat", "dog"]);

        var binary = metrics.Binary!;
        Assert.Equal("dog", binary.PositiveClass);
        Assert.Equal(7.0 / 9, binary.AreaUnderRocCurve, 6); // 7 of the 9 (positive, negative) pairs are ordered right
        Assert.Equal(2.0 / 3, binary.Precision, 6);
        Assert.Equal(2.0 / 3, binary.Recall, 6);
        Assert.Equal(2.0 / 3, binary.F1, 6);
        Assert.Null(ClassifierEvaluator.Evaluate([0, 1, 2], [[1f, 0, 0], [0, 1f, 0], [0, 0, 1f]], ["a", "b", "c"]).Binary);
    }

    [Fact]
    public void Mismatched_inputs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ClassifierEvaluator.Evaluate([0], [], ["a", "b"]));
    }
}
