using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Preprocessing;

namespace CatsDogs.Console;

/// <summary>
/// --backbone names a catalogue entry or an .onnx file (cut before its last Gemm/MatMul, average-pooled), with
/// --normalization saying what that file's weights expect; --image-size overrides the input size.
/// </summary>
internal static class BackboneChoice
{
    public static IReadOnlyList<string> Normalizations { get; } = ["torch", "tf", "caffe", "raw"];

    public static BackboneSpec Resolve(string backbone, int? imageSize, string normalization)
    {
        var spec = backbone.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            ? BackboneSpec.FromOnnxFile(backbone, new ImageSize(224, 224), Normalization(normalization))
            : BackboneCatalog.Get(backbone);
        return imageSize is { } size ? new BackboneSpec(spec) { InputSize = new ImageSize(size, size) } : spec;
    }

    private static PixelNormalization Normalization(string name) => name.ToLowerInvariant() switch
    {
        "torch" => PixelNormalization.Torch,
        "tf" => PixelNormalization.TensorFlow,
        // The classic Caffe ImageNet means (B, G, R), as in Keras applications' caffe mode.
        "caffe" => PixelNormalization.Caffe(103.939f, 116.779f, 123.68f),
        // 0..255 RGB as they are: for files with their normalisation inside (quantize writes such files).
        "raw" => new PixelNormalization(),
        _ => throw new ArgumentException(
            $"Unknown normalization '{name}'; use one of {string.Join(", ", Normalizations)}."),
    };
}
