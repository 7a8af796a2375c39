using System.Diagnostics;
using SkiaSharp;
using TransferLearning.ImageClassification;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Evaluation;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Novelty;

namespace TransferLearning.Benchmarks;

/// <summary>
/// How well each score tells the test images of the set a classifier was trained on from images of none of its
/// classes: maximum softmax probability (the baseline), energy, and Mahalanobis in each feature space (the default,
/// L2-normalised, is the one every model carries); AUROC and FPR at 95% TPR, the in-distribution acceptance at the
/// default threshold, and what the detector costs. Sets: the bundled Fashion-MNIST and the handwritten digits of
/// <c>benchmarks/novelty/make-sets.py</c>, each against the other, real photos and synthetic noise and flat colours.
/// </summary>
internal static class NoveltyBenchmark
{
    /// <summary>novelty SETS [--backbones a,b] [--precisions fp32,int8]</summary>
    public static async Task RunAsync(string[] args)
    {
        var sets = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal))
            ?? throw new ArgumentException("Give the folder benchmarks/novelty/make-sets.py wrote.");
        var backbones = Option(args, "--backbones")?.Split(',') ?? ["resnet18-layer3", "resnet18"];
        var precisions = Option(args, "--precisions")?.Split(',') ?? ["fp32", "int8"];
        var work = Directory.CreateTempSubdirectory("tl-novelty-").FullName;
        var synthetic = WriteSynthetic(Path.Combine(work, "synthetic"));
        var photos = Files(Path.Combine(sets, "photos"));
        (string Name, string Root)[] known = [("fashion", BenchmarkAssets.Root), ("digits", Path.Combine(sets, "digits"))];
        Console.WriteLine($"{Environment.ProcessorCount} cores; photos {photos.Length}, synthetic {synthetic.Length}");
        Console.WriteLine("| in-distribution | backbone | precision | unfamiliar | MSP AUROC / FPR95 | energy | Mahalanobis raw | standardised | L2-normalised (default) | test accepted |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | ---: |");
        foreach (var (name, root) in known)
        {
            var other = known.Single(k => k.Name != name);
            (string, string[])[] unfamiliar =
                [(other.Name, Files(Path.Combine(other.Root, "test"))), ("photos", photos), ("noise+flat", synthetic)];
            foreach (var backbone in backbones)
                foreach (var precision in precisions)
                    await RunOneAsync(name, root, backbone, precision, unfamiliar, Path.Combine(work, "cache"));
        }
        Directory.Delete(work, recursive: true);
    }

    private static async Task RunOneAsync(string name, string root, string backbone, string precision,
        (string Name, string[] Files)[] unfamiliar, string cache)
    {
        var builder = new TransferClassifierBuilder().WithImages(Path.Combine(root, "train"))
            .WithTestImages(Path.Combine(root, "test")).WithBackbone(backbone)
            .WithFeaturizer(o => new(o) { CacheDirectory = cache });
        if (precision == "int8") builder.WithInt8();
        var clock = Stopwatch.StartNew();
        var result = await builder.TrainAsync();
        var trainingSeconds = clock.Elapsed.TotalSeconds;
        using var classifier = result.Classifier;
        var (training, validation, test) = await PartsAsync(classifier, root);
        var detectors = Enum.GetValues<NoveltySpace>().ToDictionary(space => space,
            space => NoveltyDetector.Fit(training, classifier.Classes.Count, validation, 0.95, space));
        var head = (DenseHead)classifier.Head;
        (string Name, Func<float[], float> Score)[] methods =
        [
            ("msp", v => -classifier.Head.PredictMean(v).Max()),
            ("energy", v => -LogSumExp(head.Logits(v))),
            .. detectors.Select(d => (d.Key.ToString(), (Func<float[], float>)(v => d.Value.ScoreMean(v)))),
        ];
        var accepted = test.Count(v => classifier.Novelty!.ScoreMean(v) <= classifier.Novelty.Threshold)
            / (double)test.Length;
        foreach (var (set, files) in unfamiliar)
        {
            var outside = (await classifier.Featurizer.FeaturizeAsync(files)).Features.OfType<float[]>().ToArray();
            var cells = methods.Select(m => NoveltyEvaluator.Evaluate(
                [.. test.Select(m.Score)], [.. outside.Select(m.Score)]))
                .Select(r => $"{r.AreaUnderRocCurve:F3} / {r.FalsePositiveRateAt95:F3}");
            Console.WriteLine($"| {name} | {backbone} | {precision} | {set} ({outside.Length}) | {string.Join(" | ", cells)} | {accepted:P1} |");
        }
        var cost = Cost(classifier, test, Path.Combine(root, "test"));
        var novelty = result.Report.Novelty!;
        Console.WriteLine($"|  | cost: score {cost.Score * 1e3:F3} ms against predict {cost.Predict * 1e3:F1} ms per image ({cost.Score / cost.Predict:P2}); fit {novelty.Seconds:F2} s of a {trainingSeconds:F1} s run ({novelty.Seconds / trainingSeconds:P1}); threshold {novelty.Threshold:F2}; shrunk covariance of {training.Features[0].Length} features, {NoveltyDetector.StoredBytes(training.Features[0].Length, classifier.Classes.Count) / 1e6:F2} MB in the model file |");
    }

    /// <summary>The training and validation parts the builder used (same split, same seed) and the test images, as
    /// features.</summary>
    private static async Task<(LabeledFeatures, float[][], float[][])> PartsAsync(
        TransferClassifier classifier, string root)
    {
        var split = ImageDataset.FromFolder(Path.Combine(root, "train")).Split(SplitRatios.Default.WithoutTest(), 42);
        async Task<(float[][] Features, int[] Labels)> Featurize(IReadOnlyList<LabeledImage> images)
        {
            var result = await classifier.Featurizer.FeaturizeAsync([.. images.Select(i => i.Path)]);
            var used = Enumerable.Range(0, images.Count).Where(i => result.Features[i] is not null).ToArray();
            return ([.. used.Select(result.Views)], [.. used.Select(i => classifier.IndexOf(images[i].Label))]);
        }
        var training = await Featurize(split.Train);
        var validation = await Featurize(split.Validation);
        var test = await Featurize(ImageDataset.FromFolder(Path.Combine(root, "test")).Images);
        return (new LabeledFeatures(training.Features, training.Labels), validation.Features, test.Features);
    }

    /// <summary>Seconds per image: scoring features alone, against a whole prediction from the file's bytes.</summary>
    private static (double Score, double Predict) Cost(TransferClassifier classifier, float[][] test, string folder)
    {
        var images = Files(folder).Take(64).Select(File.ReadAllBytes).ToArray();
        classifier.Predict(images[0]);
        var clock = Stopwatch.StartNew();
        foreach (var image in images) classifier.Predict(image);
        var predict = clock.Elapsed.TotalSeconds / images.Length;
        clock.Restart();
        foreach (var views in test) classifier.Novelty!.ScoreMean(views);
        return (clock.Elapsed.TotalSeconds / test.Length, predict);
    }

    private static float LogSumExp(float[] logits)
    {
        var max = logits.Max();
        return max + MathF.Log(logits.Sum(l => MathF.Exp(l - max)));
    }

    /// <summary>50 colour-noise images and 50 flat colours (black and white among them), of assorted sizes.</summary>
    private static string[] WriteSynthetic(string folder)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(7);
        var paths = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var (width, height) = (random.Next(20, 300), random.Next(20, 300));
            using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
            var flat = i >= 50;
            var colour = i == 50 ? SKColors.Black : i == 51 ? SKColors.White
                : new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                    bitmap.SetPixel(x, y, flat ? colour
                        : new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            var path = Path.Combine(folder, $"{(flat ? "flat" : "noise")}-{i:D3}.png");
            using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)) File.WriteAllBytes(path, data.ToArray());
            paths.Add(path);
        }
        return [.. paths];
    }

    private static string[] Files(string folder) =>
        [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    private static string? Option(string[] args, string name) =>
        args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
