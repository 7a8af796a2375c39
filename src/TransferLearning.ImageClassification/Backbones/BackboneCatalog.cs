using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>The named backbones this library knows. Entries are data: adding one adds a backbone.</summary>
public static class BackboneCatalog
{
    private static readonly string ResNet18Folder = Path.Combine(AppContext.BaseDirectory, "DnnImageModels");

    /// <summary>
    /// ImageNet ResNet18 as shipped, offline, by the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1
    /// (a CNTK export: input Input247 [1,3,224,224], 512 features from the global average pool Pooling395_Output_0).
    /// Its companion ResNetPreprocess.onnx turns RGB 0..255 planes into BGR minus a 224x224 ImageNet mean image;
    /// the same arithmetic is done here in C# from that file's MeanImage initializer.
    /// </summary>
    public static BackboneSpec ResNet18 { get; } = new()
    {
        Name = "resnet18",
        ModelPath = Path.Combine(ResNet18Folder, "ResNet18Onnx", "ResNet18.onnx"),
        Sha256 = "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f",
        InputName = "Input247",
        InputSize = new ImageSize(224, 224),
        Normalization = new PixelNormalization
        {
            Order = ChannelOrder.Bgr,
            MeanImage = new MeanImageSource(Path.Combine(ResNet18Folder, "ResNetPrepOnnx", "ResNetPreprocess.onnx"), "MeanImage"),
        },
        FeatureNode = "Pooling395_Output_0",
        FeatureSize = 512,
        Source = "NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx)",
        License = "MIT",
    };

    /// <summary>Every catalogue entry.</summary>
    public static IReadOnlyList<BackboneSpec> All { get; } = [ResNet18];

    /// <summary>The entry called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No entry has that name; the message lists those that do.</exception>
    public static BackboneSpec Get(string name) =>
        All.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown backbone '{name}'. Known: {string.Join(", ", All.Select(b => b.Name))}.", nameof(name));
}
