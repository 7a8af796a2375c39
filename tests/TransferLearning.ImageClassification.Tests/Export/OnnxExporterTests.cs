using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Classification;
using TransferLearning.ImageClassification.Tests.Support;
using TransferLearning.ImageClassification.Export;

namespace TransferLearning.ImageClassification.Tests.Export;

/// <summary>The exported ONNX file is the classifier: raw pixels in, the library's probabilities out, in any ONNX runtime.</summary>
[Collection(TrainedOnAssets.Name)]
public sealed class OnnxExporterTests(TrainedOnAssetsFixture trained) : IDisposable
{
    private const int Side = 224;
    private const int Bundled = 28; // the bundled images' size
    private readonly TempFolder _folder = TestImages.NewFolder();

    public void Dispose() => _folder.Dispose();

    private string Export()
    {
        var path = _folder.Combine("classifier.onnx");
        if (!File.Exists(path)) trained.Result.Classifier.ExportOnnx(path);
        return path;
    }

    private static string[] TestFiles(int perClass) =>
        [.. Directory.GetDirectories(TestImages.Test).Order(StringComparer.Ordinal).SelectMany(d => Directory.GetFiles(d).Order(StringComparer.Ordinal).Take(perClass))];

    [Fact]
    public void On_the_bundled_images_it_gives_the_library_s_probabilities_within_1e4()
    {
        // 28x28 PNGs, enlarged to 224x224 inside the graph and inside the library.
        AssertFileMatchesPredict(trained.Result.Classifier, Export(), [.. TestFiles(perClass: 3).Select(File.ReadAllBytes)]);
    }

    public static TheoryData<int, int, string> Sizes()
    {
        var data = new TheoryData<int, int, string>();
        (int, int)[] sizes = [(1, 1), (7, 300), (28, 28), (97, 61), (333, 250), (640, 480), (1024, 768), (4000, 3000)];
        foreach (var (width, height) in sizes)
            foreach (var format in new[] { "png", "jpeg" }) data.Add(width, height, format);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void On_images_of_any_size_it_gives_the_library_s_probabilities_within_1e4(int width, int height, string format)
    {
        var image = TestImages.Encode(format == "png" ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, width, height, seed: (byte)(width + height));

        AssertFileMatchesPredict(trained.Result.Classifier, Export(), [image]);
    }

    [Fact]
    public void The_file_names_its_classes_backbone_and_input_and_holds_no_path_of_this_machine()
    {
        var path = Export();
        using var session = new InferenceSession(path);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        var classifier = trained.Result.Classifier;

        Assert.Equal(classifier.Classes, JsonSerializer.Deserialize<string[]>(metadata["classes"]));
        Assert.Equal("resnet18-layer3", metadata["backbone"]);
        Assert.Equal(classifier.BackboneSha256, metadata["backbone_sha256"]);
        Assert.Equal("224x224", metadata["input_size"]);
        Assert.StartsWith("upright RGB pixels", metadata["input"]);
        Assert.Equal("2", metadata["preprocessing_version"]);
        Assert.Equal(["image"], session.InputMetadata.Keys);
        Assert.Equal(["probabilities", "label", "novelty"], session.OutputMetadata.Keys);
        var text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(path));
        foreach (var local in new[] { AppContext.BaseDirectory, Path.GetTempPath(), trained.ModelDirectory, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) })
            Assert.DoesNotContain(Path.TrimEndingDirectorySeparator(local), text);
    }

    [Fact]
    public void Ml_net_s_apply_onnx_model_runs_it()
    {
        var images = TestFiles(perClass: 1).Take(2).Select(f => ImageDecoder.Decode(File.ReadAllBytes(f), new ImageSize(Side, Side))).ToArray();
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(images.Select(b => new Pixels { Image = Rgb(b) }));
        var pipeline = ml.Transforms.ApplyOnnxModel(
            ["probabilities"], ["image"], Export(), new Dictionary<string, int[]> { ["image"] = [1, Bundled, Bundled, 3] }, gpuDeviceId: null, fallbackToCpu: false, recursionLimit: 100);

        var scored = ml.Data.CreateEnumerable<Scored>(pipeline.Fit(data).Transform(data), reuseRowObject: false).ToArray();

        using var session = new InferenceSession(Export());
        var direct = Run(session, [.. images.Select(Rgb)], Bundled, Bundled);
        for (var i = 0; i < images.Length; i++) Assert.Equal(direct[i], scored[i].Probabilities);
        foreach (var image in images) image.Dispose();
    }

    [Fact]
    public async Task Mirror_image_averaging_is_inside_the_file_too()
    {
        using var folder = TestImages.NewFolder();
        using var classifier = await TrainWithMirrorImagesAsync(folder, new HeadOptions { Epochs = 3, HiddenLayers = [6] });
        var path = folder.Combine("flip.onnx");
        classifier.ExportOnnx(path);
        using var image = new SKBitmap(Side, Side);
        for (var y = 0; y < Side; y++)
            for (var x = 0; x < Side; x++) image.SetPixel(x, y, new SKColor((byte)x, (byte)(y * 3), (byte)(x ^ y), 255));
        var gradient = folder.Write("gradient.png", image.Encode(SKEncodedImageFormat.Png, 100).ToArray());

        AssertFileMatchesPredict(classifier, path, [File.ReadAllBytes(gradient)]);
    }

    [Theory]
    [InlineData("lbfgs-maxent")]
    [InlineData("sdca-maxent")]
    public async Task A_head_trained_by_an_ml_net_trainer_is_exported_through_ml_net_s_converter(string trainer)
    {
        using var folder = TestImages.NewFolder();
        using var classifier = await TrainWithMirrorImagesAsync(
            folder, trainer == "lbfgs-maxent" ? MLNetHeadOptions.LbfgsMaximumEntropy : MLNetHeadOptions.SdcaMaximumEntropy);
        var path = folder.Combine("mlnet.onnx");
        classifier.ExportOnnx(path);

        AssertFileMatchesPredict(classifier, path,
            [.. Directory.GetFiles(folder.Combine("data"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(6).Select(File.ReadAllBytes)]);
    }

    [Fact]
    public async Task An_int8_classifier_exports_the_int8_graph_it_runs_and_the_file_gives_its_probabilities()
    {
        TestImages.CopyAssets(_folder.Combine("data"), classes: 3, perClass: 8);
        var result = await new TransferClassifierBuilder()
            .WithImages(_folder.Combine("data"))
            .WithFeaturizer(o => new(o) { CacheDirectory = null })
            .WithInt8(new ImageClassification.Quantization.QuantizationOptions { CalibrationImages = 8 })
            .WithHead(new HeadOptions { Epochs = 5 })
            .TrainAsync();
        using var classifier = result.Classifier;
        var path = _folder.Combine("int8.onnx");

        classifier.ExportOnnx(path);

        var model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        // Every level: the layout transforms around int8 convolutions once broke the Resize in front (ONNX Runtime 1.31).
        foreach (var level in new[] { GraphOptimizationLevel.ORT_DISABLE_ALL, GraphOptimizationLevel.ORT_ENABLE_EXTENDED, GraphOptimizationLevel.ORT_ENABLE_ALL })
        {
            using var options = new SessionOptions { GraphOptimizationLevel = level };
            using var session = new InferenceSession(path, options);
        }
        Assert.Equal("int8", model.MetadataProps.Single(p => p.Key == "precision").Value);
        Assert.Contains(model.Graph.Node, n => n.OpType == "QuantizeLinear");
        AssertFileMatchesPredict(classifier, path, [.. TestFiles(perClass: 2).Select(File.ReadAllBytes)]);
    }

    /// <summary>A fast classifier: the tiny backbone on 3 bundled classes, with mirror-image features.</summary>
    private static async Task<TransferClassifier> TrainWithMirrorImagesAsync(TempFolder folder, IHeadRecipe head)
    {
        TestImages.CopyAssets(folder.Combine("data"), classes: 3, perClass: 8);
        var result = await new TransferClassifierBuilder()
            .WithImages(folder.Combine("data"))
            .WithFeaturizer(o => new(o) { CacheDirectory = null })
            .WithBackbone(TinyOnnx.Backbone(folder, features: 8))
            .WithFeaturizer(o => new(o) { HorizontalFlip = true })
            .WithHead(head)
            .TrainAsync();
        return result.Classifier;
    }

    /// <summary>
    /// The file, fed each image's decoded upright RGB pixels at their own size, gives <c>Predict</c>'s probabilities
    /// on the encoded bytes within 1e-4.
    /// </summary>
    private static void AssertFileMatchesPredict(TransferClassifier classifier, string onnxPath, IReadOnlyList<byte[]> images)
    {
        using var session = new InferenceSession(onnxPath);
        foreach (var image in images)
        {
            using var decoded = ImageDecoder.Decode(image, classifier.Backbone.InputSize);
            var exported = Run(session, [Rgb(decoded)], decoded.Height, decoded.Width)[0];
            var expected = classifier.Predict(image).Scores.Select(s => s.Probability).ToArray();
            Assert.All(expected.Zip(exported), p => Assert.Equal(p.First, p.Second, 1e-4));
        }
    }

    /// <summary>RGB bytes, row by row, of a decoded image.</summary>
    internal static byte[] Rgb(SKBitmap bitmap)
    {
        using var rgba = bitmap.Copy(SKColorType.Rgba8888);
        var pixels = ImageDecoder.PixelBytes(rgba);
        var rgb = new byte[bitmap.Width * bitmap.Height * 3];
        for (var i = 0; i < bitmap.Width * bitmap.Height; i++) pixels.Slice(i * 4, 3).CopyTo(rgb.AsSpan(i * 3));
        return rgb;
    }

    private static float[][] Run(InferenceSession session, byte[][] images, int height, int width)
    {
        var tensor = new DenseTensor<byte>(images.SelectMany(i => i).ToArray(), [images.Length, height, width, 3]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("image", tensor)], ["probabilities"]);
        var probabilities = results[0].AsTensor<float>();
        var classes = (int)probabilities.Dimensions[1];
        return [.. Enumerable.Range(0, images.Length).Select(i => Enumerable.Range(0, classes).Select(k => probabilities[i, k]).ToArray())];
    }

    private sealed class Pixels
    {
        [VectorType(Bundled * Bundled * 3)]
        [ColumnName("image")]
        public byte[] Image { get; set; } = [];
    }

    private sealed class Scored
    {
        [ColumnName("probabilities")]
        public float[] Probabilities { get; set; } = [];
    }
}
