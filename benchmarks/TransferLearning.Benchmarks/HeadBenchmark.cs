using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ImageClassification;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;

namespace TransferLearning.Benchmarks;

/// <summary>
/// Head recipes on the same cached ResNet18 features of the bundled split (train folder split 9:1 into train and
/// validation, test folder held out), and ML.NET's LbfgsMaximumEntropy trained on the same training features.
/// </summary>
internal static class HeadBenchmark
{
    private const int Seed = 42;

    public static async Task RunAsync(string[] args)
    {
        var cache = args.Length > 0 ? args[0] : FeaturizerOptions.DefaultCacheDirectory;
        var (train, test) = (Path.Combine(BenchmarkAssets.Root, "train"), Path.Combine(BenchmarkAssets.Root, "test"));
        (string Name, HeadOptions Head, bool Flip)[] recipes =
        [
            ("article: Dense, RMSprop 1e-4, 10 epochs", HeadOptions.Article, false),
            ("Dense only, Adam 3e-4, L2 1e-2, early stopping", new HeadOptions { HiddenLayers = [], Dropout = 0 }, false),
            ("default head (256 ReLU, dropout 0.5)", new HeadOptions(), false),
            ("default head + mirror features and averaging", new HeadOptions(), true),
        ];

        Console.WriteLine($"{"recipe",-48} {"test acc",9} {"log-loss",9} {"epochs",7} {"head s",7}");
        foreach (var (name, head, flip) in recipes)
        {
            var result = await new TransferClassifierBuilder()
                .WithImages(train).WithTestImages(test).WithSplit(SplitRatios.Default, Seed)
                .WithFeatureCache(cache).WithHorizontalFlip(flip).WithHead(head with { Seed = Seed })
                .TrainAsync();
            result.Classifier.Dispose();
            var r = result.Report;
            Console.WriteLine($"{name,-48} {r.Test!.Accuracy,9:F4} {r.Test.LogLoss,9:F4} {r.History.Count,7} {r.Timings.TrainSeconds,7:F1}");
        }

        var (accuracy, logLoss) = await LbfgsAsync(train, test, cache);
        Console.WriteLine($"{"ML.NET LbfgsMaximumEntropy (same train features)",-48} {accuracy,9:F4} {logLoss,9:F4}");
    }

    private static async Task<(double Accuracy, double LogLoss)> LbfgsAsync(string train, string test, string cache)
    {
        var trainImages = ImageDataset.FromFolder(train).Split(SplitRatios.Default.WithoutTest(), Seed).Train;
        var testImages = ImageDataset.FromFolder(test).Images;
        using var featurizer = BottleneckFeaturizer.Create(BackboneCatalog.ResNet18, new FeaturizerOptions { CacheDirectory = cache });
        async Task<Row[]> Rows(IReadOnlyList<LabeledImage> images)
        {
            var features = await featurizer.FeaturizeAsync(images.Select(i => i.Path).ToArray());
            return images.Select((image, i) => new Row { Label = image.Label, Features = features.Features[i]! }).ToArray();
        }

        var ml = new MLContext(seed: Seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featurizer.FeatureSize);
        var trainData = ml.Data.LoadFromEnumerable(await Rows(trainImages), schema);
        var testData = ml.Data.LoadFromEnumerable(await Rows(testImages), schema);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy())
            .Fit(trainData);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(testData));
        return (metrics.MicroAccuracy, metrics.LogLoss);
    }

    private sealed class Row
    {
        public string Label { get; set; } = "";
        public float[] Features { get; set; } = [];
    }
}
