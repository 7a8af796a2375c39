using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>
/// Everything needed to turn an image into bottleneck features with a frozen ONNX network:
/// where the model is, what input it takes and how that input is normalised, and which node gives the features.
/// A specification is data; <see cref="BackboneRunner"/> runs it.
/// </summary>
public sealed record BackboneSpec
{
    /// <summary>Short unique name, e.g. "resnet18"; stored in saved models.</summary>
    public required string Name { get; init; }

    /// <summary>Path of the ONNX file.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Expected SHA-256 of the ONNX file (lower-case hex), or null to accept any file at <see cref="ModelPath"/>.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Name of the graph input that takes the image batch.</summary>
    public required string InputName { get; init; }

    /// <summary>Input width and height the network was trained at.</summary>
    public required ImageSize InputSize { get; init; }

    /// <summary>Layout of the input tensor.</summary>
    public TensorLayout Layout { get; init; } = TensorLayout.Nchw;

    /// <summary>How 0..255 pixels are turned into input values.</summary>
    public required PixelNormalization Normalization { get; init; }

    /// <summary>Name of the tensor whose values are the features (a pooled [N, F] or [N, F, 1, 1] output).</summary>
    public required string FeatureNode { get; init; }

    /// <summary>Number of features per image.</summary>
    public required int FeatureSize { get; init; }

    /// <summary>Where the weights come from (a package, a URL, a paper).</summary>
    public string Source { get; init; } = "";

    /// <summary>Licence of the weights.</summary>
    public string License { get; init; } = "";

    /// <summary>A stable text that changes whenever the features for an image would; the feature-cache key.</summary>
    public string Fingerprint(string modelSha256) =>
        $"{Name}|{modelSha256}|{InputName}|{InputSize}|{Layout}|{Normalization.Fingerprint}|{FeatureNode}|{FeatureSize}";
}
