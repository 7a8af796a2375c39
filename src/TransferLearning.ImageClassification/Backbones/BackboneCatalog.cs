using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>
/// The named backbones this library knows. Entries are data: adding one adds a backbone. ResNet18 ships inside a
/// NuGet package and works offline; the others download on first use from the ONNX Model Zoo's Hugging Face mirror
/// (the zoo stopped serving Git LFS downloads on 2025-07-01). File hashes, sizes and ports come from the zoo's
/// ONNX_HUB_MANIFEST.json (github.com/onnx/models); normalisation and top-1 from each model's README there.
/// </summary>
public static class BackboneCatalog
{
    private static readonly string ResNet18Folder = Path.Combine(AppContext.BaseDirectory, "DnnImageModels");

    /// <summary>
    /// ImageNet ResNet18 as shipped, offline, by the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0
    /// (a CNTK export: input Input247 [1,3,224,224], 512 features from the 7x7 average pool Pooling395_Output_0).
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
            MeanImage = new MeanImageSource(
                Path.Combine(ResNet18Folder, "ResNetPrepOnnx", "ResNetPreprocess.onnx"), "MeanImage"),
        },
        FeatureNode = "Pooling395_Output_0",
        FeatureSize = 512,
        // The outputs of layer1, layer2 and layer3 (this export's layer4 has three basic blocks).
        StageBoundaries = ["ReLU283_Output_0", "ReLU315_Output_0", "ReLU347_Output_0"],
        Source = "NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0 " +
            "(tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx)",
        License = "MIT",
    };

    /// <summary>
    /// The same ResNet18 cut one stage earlier, after its third residual stage (ReLU347_Output_0, 256 channels at
    /// 14x14), globally averaged: mid-level features, which transfer better than the last stage to images far from
    /// ImageNet photos (grayscale product shots, line art, scans). On the bundled Fashion-MNIST split the default head
    /// scores 0.872 on these against 0.845 on <see cref="ResNet18"/>'s (docs/benchmarks.md); cheaper to compute too.
    /// </summary>
    public static BackboneSpec ResNet18Layer3 { get; } = new BackboneSpec(ResNet18)
    {
        Name = "resnet18-layer3",
        FeatureNode = "ReLU347_Output_0",
        FeatureSize = 256,
        StageBoundaries = ["ReLU283_Output_0", "ReLU315_Output_0"],
    };

    /// <summary>
    /// VGG16 (MXNet Gluon export, zoo vgg16-7.onnx, opset 7): cut after the last conv block's max pool
    /// (vgg0_pool4_fwd, 512x7x7) and globally averaged, as Keras VGG16(include_top=False, pooling='avg') does:
    /// 512 features, not fc7's 4096. README: RGB /255, ImageNet mean/std; top-1 72.62%.
    /// </summary>
    public static BackboneSpec Vgg16 { get; } = new BackboneSpec(Zoo(
        "vgg16", "vgg16-7", 553_437_328, "f20805a3ecccaa88647bbab4ad011ff2412a9838485ea844de0fcbce349820b9",
        "data", "vgg0_pool4_fwd", 512, PixelNormalization.Torch, 72.62, "Apache-2.0"))
    {
        // Each conv block ends in a max pool (Gluon names them pool0 to pool4); a stage is one block.
        StageBoundaries = ["vgg0_pool0_fwd", "vgg0_pool1_fwd", "vgg0_pool2_fwd", "vgg0_pool3_fwd"],
    };

    /// <summary>
    /// GoogLeNet / Inception v1 (Caffe BVLC → Caffe2 → ONNX, zoo googlenet-12.onnx, opset 12). The zoo's feature
    /// port
    /// pool5/7x7_s1_2 is a fixed 7x7 average pool; the rewrite pools its input globally so other sizes work.
    /// README: BGR, minus the per-channel mean (103.939, 116.779, 123.68), 0..255 scale; top-1 67.78%.
    /// </summary>
    public static BackboneSpec GoogLeNet { get; } = Zoo(
        "googlenet", "googlenet-12", 28_021_836, "c99c507058eaf41de8723408fdda7db8325cb57f0a89f2ee07a716d6e963e14e",
        "data_0", "pool5/7x7_s1_2", 1024, PixelNormalization.Caffe(103.939f, 116.779f, 123.68f), 67.78, "BSD-3-Clause");

    /// <summary>
    /// ResNet50 v2 (MXNet Gluon, zoo resnet50-v2-7.onnx): 2048 features from the global pool resnetv24_pool1_fwd.
    /// README: RGB /255, ImageNet mean/std; top-1 75.81%.
    /// </summary>
    public static BackboneSpec ResNet50V2 { get; } = Zoo(
        "resnet50v2", "resnet50-v2-7", 102_442_452, "79102261eb6e5fd7af5d27f41316293e388c5cb691e5d25bfb035c4f64fefe31",
        "data", "resnetv24_pool1_fwd", 2048, PixelNormalization.Torch, 75.81, "Apache-2.0");

    /// <summary>
    /// ResNet101 v2, the article's ResNet (MXNet Gluon, zoo resnet101-v2-7.onnx): 2048 features from
    /// resnetv25_pool1_fwd. README: RGB /255, ImageNet mean/std; top-1 77.42%.
    /// </summary>
    public static BackboneSpec ResNet101V2 { get; } = Zoo(
        "resnet101v2", "resnet101-v2-7", 178_682_301,
        "3a0a819ea0953fb4700b0d98e43540aeee253e5b4c503c552b0c7979fc67767d",
        "data", "resnetv25_pool1_fwd", 2048, PixelNormalization.Torch, 77.42, "Apache-2.0");

    /// <summary>
    /// MobileNetV2 1.0 (MXNet Gluon, zoo mobilenetv2-7.onnx): 1280 features from the global pool
    /// mobilenetv20_features_pool0_fwd (the classifier after it is a 1x1 convolution). README: RGB /255, ImageNet
    /// mean/std; top-1 70.94%.
    /// </summary>
    public static BackboneSpec MobileNetV2 { get; } = Zoo(
        "mobilenetv2", "mobilenetv2-7", 14_246_826, "c1c513582d56afceff8516c73804e484c81c6a830712ab6d682253f4a3cd042f",
        "data", "mobilenetv20_features_pool0_fwd", 1280, PixelNormalization.Torch, 70.94, "Apache-2.0");

    /// <summary>
    /// InceptionV3, the article's second network: torchvision's ImageNet weights (top-1 77.29%) as exported to ONNX by
    /// Qualcomm AI Hub Models, pinned to the Hugging Face commit that added the file; size and SHA-256 are that
    /// commit's
    /// Git LFS pointer. 2,048 features from the global pool before the classifier (found from the graph, as for any
    /// ONNX classifier). Input: one RGB image in [0, 1], as the exporter's model card documents (the ImageNet
    /// mean/std are applied inside the graph). The file is exported at 224x224 (the exporter's input spec); the rewrite
    /// frees the spatial dimensions, so it runs at InceptionV3's native 299 here, and at 160 as in the article.
    /// Licence BSD-3-Clause (torchvision weights).
    /// </summary>
    public static BackboneSpec InceptionV3 { get; } = new()
    {
        Name = "inceptionv3",
        Download = new ModelDownload(
            new Uri(
                "https://huggingface.co/qualcomm/Inception-v3/resolve/509e028bd029517de182e20eed8e1744faa48cd1/" +
                "Inception-v3.onnx"),
            95_332_968, "inception-v3-qualcomm-509e028.onnx"),
        Sha256 = "ec1c6d3fc7f4b572631c65ee6d82484cb57359a1edc750c21ab3a2931ceec800",
        InputName = "image_tensor", // qai_hub_models' ImagenetClassifier input spec
        InputSize = new ImageSize(299, 299),
        Normalization = new PixelNormalization { Scale = 1f / 255f },
        FeatureSize = 2048,
        ImageNetTop1 = 77.29,
        Source = "huggingface.co/qualcomm/Inception-v3 commit 509e028 (Inception-v3.onnx; torchvision inception_v3 " +
            "ImageNet weights)",
        License = "BSD-3-Clause",
    };

    /// <summary>Every catalogue entry, the offline ones first.</summary>
    public static IReadOnlyList<BackboneSpec> All { get; } = [
        ResNet18, ResNet18Layer3, Vgg16, GoogLeNet, InceptionV3, ResNet50V2, ResNet101V2, MobileNetV2];

    /// <summary>The entry called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No entry has that name; the message lists those that do.</exception>
    public static BackboneSpec Get(string name) =>
        All.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"Unknown backbone '{name}'. Known: {string.Join(", ", All.Select(b => b.Name))}.", nameof(name));

    /// <summary>An ONNX Model Zoo classifier mirrored at
    /// huggingface.co/onnxmodelzoo/{file}/resolve/main/{file}.onnx.</summary>
    private static BackboneSpec Zoo(
        string name, string file, long bytes, string sha256, string input, string featureNode, int features,
        PixelNormalization normalization, double top1, string license) => new()
        {
            Name = name,
            Download = new ModelDownload(
                new Uri($"https://huggingface.co/onnxmodelzoo/{file}/resolve/main/{file}.onnx"), bytes, file + ".onnx"),
            Sha256 = sha256,
            InputName = input,
            InputSize = new ImageSize(224, 224),
            Normalization = normalization,
            FeatureNode = featureNode,
            FeatureSize = features,
            ImageNetTop1 = top1,
            Source = $"ONNX Model Zoo {file}.onnx (github.com/onnx/models, validated/vision/classification)",
            License = license,
        };
}
