using System.Text.Json;
using TransferLearning.ImageClassification.Training;
using TransferLearning.ImageClassification.Tests.Support;
using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Tests.IO;

public class JsonReportTests
{
    private sealed record Metrics(double Accuracy, double LogLoss, double Auc);

    [Fact]
    public async Task Numbers_that_are_not_finite_are_written_as_null()
    {
        using var folder = TestImages.NewFolder();
        var path = folder.Combine("report.json");

        await JsonReport.WriteAsync(path, new Metrics(0.5, double.NaN, double.PositiveInfinity));

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(0.5, json.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("logLoss").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("auc").ValueKind);
    }

    [Fact]
    public void A_prediction_from_a_head_that_gives_nan_serialises_with_nulls_instead_of_failing()
    {
        using var folder = TestImages.NewFolder();
        using var classifier = new ImageClassification.Classification.TransferClassifier(
            ImageClassification.Features.BottleneckFeaturizer.Create(TinyOnnx.Backbone(folder, features: 8)), new NanHead(), ["a", "b"], novelty: null);
        var prediction = classifier.Predict(TestImages.Encode(SkiaSharp.SKEncodedImageFormat.Png));

        var json = JsonSerializer.Serialize(new { prediction.Label, prediction.Probability, top = prediction.Top(2) }, JsonReport.Options);

        using var parsed = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Null, parsed.RootElement.GetProperty("probability").ValueKind);
        Assert.Equal(JsonValueKind.Null, parsed.RootElement.GetProperty("top")[1].GetProperty("probability").ValueKind);
    }

    /// <summary>A head written by hand that answers NaN and +∞: what the library's own heads never do.</summary>
    private sealed class NanHead : ImageClassification.Head.IClassifierHead
    {
        public int FeatureSize => 8;

        public int ClassCount => 2;

        public void Predict(ReadOnlySpan<float> features, Span<float> probabilities) =>
            (probabilities[0], probabilities[1]) = (float.NaN, float.PositiveInfinity);

        // Only the library (and its tests, which see internals) can implement the interface.
        void ImageClassification.Head.IClassifierHead.Save(Stream stream) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_write_that_fails_half_way_leaves_the_old_report_whole_and_no_temporary_file()
    {
        using var folder = TestImages.NewFolder();
        var path = folder.Combine("report.json");
        await JsonReport.WriteAsync(path, new Metrics(0.9, 0.1, 0.95));
        var before = File.ReadAllText(path);

        await Assert.ThrowsAsync<NotSupportedException>(() => JsonReport.WriteAsync(path, new { metrics = new Metrics(0.1, 2, 0.5), broken = new Unwritable() }));

        Assert.Equal(before, File.ReadAllText(path));
        Assert.Equal(["report.json"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    /// <summary>Fails when serialised, after part of the report has been written.</summary>
    private sealed class Unwritable
    {
        public int Value => throw new NotSupportedException("cannot be written");
    }
}
