using System.Diagnostics.CodeAnalysis;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>
/// Everything needed to turn an image into bottleneck features with a frozen ONNX network: where the model is (or
/// where to download it from), what input it takes and how that input is normalised, and where to cut the graph.
/// A specification is data: the featurizer runs it. Any ONNX classifier becomes a backbone with
/// <see cref="FromOnnxFile"/>.
/// </summary>
public sealed class BackboneSpec
{
    /// <summary>An empty specification, to fill with an object initializer (<see cref="Name"/> is required).</summary>
    public BackboneSpec()
    {
    }

    /// <summary>
    /// A copy of <paramref name="other"/>, to change a few settings with an object initializer:
    /// <c>new BackboneSpec(BackboneCatalog.ResNet18) { InputSize = new(160, 160) }</c>.
    /// </summary>
    /// <param name="other">The specification to copy.</param>
    [SetsRequiredMembers]
    public BackboneSpec(BackboneSpec other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Name = other.Name;
        ModelPath = other.ModelPath;
        Download = other.Download;
        Sha256 = other.Sha256;
        InputName = other.InputName;
        InputSize = other.InputSize;
        Layout = other.Layout;
        Normalization = other.Normalization;
        FeatureNode = other.FeatureNode;
        Pooling = other.Pooling;
        FeatureSize = other.FeatureSize;
        ImageNetTop1 = other.ImageNetTop1;
        Source = other.Source;
        License = other.License;
        StageBoundaries = other.StageBoundaries;
        TunedWeights = other.TunedWeights;
    }

    /// <summary>The <see cref="FeatureNode"/> that means "the input of the last Gemm/MatMul, before any
    /// flattening".</summary>
    public const string AutoFeatureNode = "auto";

    /// <summary>Short unique name, e.g. "resnet18"; stored in saved models.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// A local ONNX file. Null for catalogue entries that are downloaded: the model store then keeps the file as
    /// the file name the catalogue gives. Set it to use your own copy of any entry (the hash is still checked).
    /// </summary>
    public string? ModelPath { get; init; }

    /// <summary>Where the file can be downloaded from, or null for a local-only backbone.</summary>
    public ModelDownload? Download { get; internal init; }

    /// <summary>Expected SHA-256 of the ONNX file (lower-case hex), or null to accept any file at
    /// <see cref="ModelPath"/>.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Name of the graph input that takes the image batch, or null for the graph's only input.</summary>
    public string? InputName { get; init; }

    /// <summary>Input width and height (the network's native size by default; most backbones accept others).</summary>
    public required ImageSize InputSize { get; init; }

    /// <summary>Layout of the input tensor.</summary>
    public TensorLayout Layout { get; init; } = TensorLayout.Nchw;

    /// <summary>How 0..255 pixels are turned into input values.</summary>
    public required PixelNormalization Normalization { get; init; }

    /// <summary>
    /// The tensor the graph is cut at: a spatial feature map, a pooled output or a flat vector.
    /// <see cref="AutoFeatureNode"/> finds the input of the classifier's last Gemm/MatMul and walks back through
    /// flattening to the map or pool that feeds it.
    /// </summary>
    public string FeatureNode { get; init; } = AutoFeatureNode;

    /// <summary>How a spatial map at <see cref="FeatureNode"/> becomes a vector (the article: global average
    /// pooling).</summary>
    public FeaturePooling Pooling { get; init; } = FeaturePooling.GlobalAverage;

    /// <summary>Number of features per image, or null to learn it from the network when it loads.</summary>
    public int? FeatureSize { get; init; }

    /// <summary>ImageNet top-1 accuracy (%) reported by the weights' publisher, for comparison tables; null if
    /// unpublished.</summary>
    public double? ImageNetTop1 { get; init; }

    /// <summary>Where the weights come from (a package, a URL, a paper).</summary>
    public string Source { get; init; } = "";

    /// <summary>Licence of the weights.</summary>
    public string License { get; init; } = "";

    /// <summary>
    /// The tensors where the network's stages begin, from the input side (for <c>resnet18</c>: the outputs of layer1,
    /// layer2 and layer3). Fine-tuning <c>n</c> stages trains everything after the <c>n</c>-th boundary from the end;
    /// empty when the stages are not known (fine-tuning then needs a boundary tensor named).
    /// </summary>
    public IReadOnlyList<string> StageBoundaries { get; init; } = [];

    /// <summary>SHA-256 of the fine-tuned weights applied on top of the file, or null for the file's own weights.</summary>
    public string? FineTunedSha256 => TunedWeights?.Sha256;

    /// <summary>Weights that replace some of the file's (fine-tuning's); null: the file as published.</summary>
    internal BackboneWeights? TunedWeights { get; init; }

    /// <summary>
    /// A backbone from any ONNX classifier file, e.g. a Keras model exported with tf2onnx or a timm model: cut at the
    /// input of its last Gemm/MatMul and globally average-pooled unless <see cref="FeatureNode"/> and
    /// <see cref="Pooling"/> say otherwise (change any setting on a copy:
    /// <c>new BackboneSpec(spec) { FeatureNode = "avg_pool" }</c>).
    /// </summary>
    /// <param name="path">The ONNX file.</param>
    /// <param name="inputSize">Input width and height.</param>
    /// <param name="normalization">What the weights expect, e.g. <see cref="PixelNormalization.Torch"/>.</param>
    /// <param name="layout">NCHW (PyTorch, most exports) or NHWC (Keras through tf2onnx).</param>
    public static BackboneSpec FromOnnxFile(
        string path, ImageSize inputSize, PixelNormalization normalization, TensorLayout layout = TensorLayout.Nchw)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new BackboneSpec
        {
            Name = Path.GetFileNameWithoutExtension(path),
            ModelPath = Path.GetFullPath(path),
            InputSize = inputSize,
            Layout = layout,
            Normalization = normalization,
            Source = Path.GetFullPath(path),
        };
    }

    /// <summary>Smallest input side, in pixels, a backbone is run at (five stride-2 stages leave a 1x1 map).</summary>
    public const int MinInputSide = 32;

    /// <summary>
    /// Largest input side, in pixels, a backbone is run at. ImageNet backbones were trained at 224–299; memory grows
    /// with
    /// width × height × <c>FeaturizerOptions.BatchSize</c>, so sizes above 512 log a warning with an estimate.
    /// </summary>
    public const int MaxInputSide = 1024;

    /// <exception cref="ArgumentOutOfRangeException">A side is outside <see cref="MinInputSide"/>..<see
    /// cref="MaxInputSide"/>.</exception>
    internal static void CheckInputSize(ImageSize size)
    {
        if (size.Width is < MinInputSide or > MaxInputSide || size.Height is < MinInputSide or > MaxInputSide)
            throw new ArgumentOutOfRangeException(
                paramName: null, $"Input size {size} is outside {MinInputSide}..{MaxInputSide} pixels per side " +
                    "(BackboneSpec.MinInputSide, MaxInputSide).");
    }

    /// <summary>A stable text that changes whenever the features for an image would; the feature-cache key.</summary>
    internal string Fingerprint(string modelSha256) =>
        $"{Name}|{modelSha256}|{InputName}|{InputSize}|{Layout}|{Normalization.Fingerprint}|{FeatureNode}|{Pooling}|" +
        $"graph={OnnxGraphRewriter.Version}" + (TunedWeights is { } tuned ? $"|tuned={tuned.Sha256}" : "");
}
