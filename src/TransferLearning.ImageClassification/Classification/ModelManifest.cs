using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Classification;

/// <summary>
/// <c>model.json</c>: what a saved model needs besides its head's numbers. Model files come from strangers too, so
/// <see cref="Validate"/> checks every field before anything is allocated from it.
/// </summary>
internal sealed record ModelManifest(
    int FormatVersion, string Backbone, string BackboneSha256, string BackboneSource, bool HorizontalFlip,
    IReadOnlyList<string> Classes, IReadOnlyList<int> LayerSizes,
    ImageSize? InputSize = null, string? FeatureNode = null, FeaturePooling? Pooling = null,
    string HeadKind = ModelManifest.DenseKind,
    int PreprocessingVersion = 1, string Precision = ModelManifest.Float32, NoveltyManifest? Novelty = null,
    string? FineTunedSha256 = null)
{
    public const string Float32 = "fp32";
    public const string Int8 = "int8";

    public const string DenseKind = "dense";
    public const string MLNetKind = "mlnet";

    /// <summary>Largest head this library loads: 64 M parameters (256 MB), far above any dense head on pooled
    /// features.</summary>
    public const long MaxParameters = 1L << 26;

    private const int MaxLayers = 16;
    private const int MaxClassNameLength = 256;

    /// <summary>Bytes <c>head.bin</c> must hold for a dense head: 4 per parameter.</summary>
    public long DenseHeadBytes => Head.DenseHead.ParameterCount(LayerSizes) * sizeof(float);

    /// <exception cref="InvalidDataException">A field is missing, out of range or inconsistent; the message names
    /// it.</exception>
    public void Validate(int newestFormat)
    {
        if (FormatVersion < 1 || FormatVersion > newestFormat)
            Fail($"it is model format {FormatVersion}; this library reads formats 1 to {newestFormat}");
        if (string.IsNullOrWhiteSpace(Backbone) || Backbone.Length > 200) Fail("'backbone' is missing or too long");
        if (BackboneSha256 is null || BackboneSha256.Length != 64 || !BackboneSha256.All(char.IsAsciiHexDigit))
            Fail("'backboneSha256' must be the backbone file's SHA-256 (64 hex digits)");
        if (PreprocessingVersion < 1 || PreprocessingVersion > ImagePreprocessor.Version)
            Fail($"'preprocessingVersion' is {PreprocessingVersion}; this library makes pixels the ways 1 to " +
                $"{ImagePreprocessor.Version}");
        if (Precision is not (Float32 or Int8))
            Fail($"'precision' is '{Precision}'; known precisions are {Float32} and {Int8}");
        if (Precision == Int8 && FormatVersion < 4) Fail("'precision' int8 needs model format 4");
        if (Novelty is not null && FormatVersion < 5) Fail("'novelty' needs model format 5");
        Novelty?.Validate();
        if (FineTunedSha256 is not null && FormatVersion < 6) Fail("'fineTunedSha256' needs model format 6");
        if (FineTunedSha256 is not null && (FineTunedSha256.Length != 64 || !FineTunedSha256.All(char.IsAsciiHexDigit)))
            Fail("'fineTunedSha256' must be the fine-tuned weights' SHA-256 (64 hex digits)");
        if (HeadKind is not (DenseKind or MLNetKind))
            Fail($"'headKind' is '{HeadKind}'; known kinds are {DenseKind} and {MLNetKind}");
        ValidateLayers();
        ValidateClasses();
        if (InputSize is { } size)
        {
            try { BackboneSpec.CheckInputSize(size); }
            catch (ArgumentOutOfRangeException e) { Fail($"'inputSize': {e.Message}"); }
        }
        if (FeatureNode is { Length: > 1000 }) Fail("'featureNode' is too long");
    }

    private void ValidateLayers()
    {
        if (LayerSizes is null || LayerSizes.Count < 2 || LayerSizes.Count > MaxLayers)
            Fail($"'layerSizes' needs 2 to {MaxLayers} sizes (features, hidden…, classes)");
        if (HeadKind == MLNetKind && LayerSizes.Count != 2)
            Fail("'layerSizes' of an mlnet head is [features, classes]");
        if (LayerSizes.Any(s => s < 1) || LayerSizes[^1] < 2)
            Fail($"'layerSizes' [{string.Join(", ", LayerSizes)}] has a size below 1 or fewer than 2 classes");
        long parameters;
        try { parameters = Head.DenseHead.ParameterCount(LayerSizes); }
        catch (OverflowException) { parameters = long.MaxValue; }
        if (parameters > MaxParameters)
            Fail(
                $"'layerSizes' [{string.Join(", ", LayerSizes)}] need " +
                $"{(parameters == long.MaxValue
                    ? "more than 2^63"
                    : parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))} " +
                $"parameters; the limit is {MaxParameters:N0}");
    }

    private void ValidateClasses()
    {
        if (Classes is null || Classes.Count != LayerSizes[^1])
            Fail($"'classes' must name each of the head's {LayerSizes[^1]} classes (got " +
                $"{Classes?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})");
        if (Classes.Any(c => string.IsNullOrWhiteSpace(c) || c.Length > MaxClassNameLength))
            Fail($"'classes' has an empty, null or over-long ({MaxClassNameLength}+ characters) name");
        if (Classes.Distinct(StringComparer.Ordinal).Count() != Classes.Count)
            Fail("'classes' repeats a name: " +
                $"{Classes.GroupBy(c => c, StringComparer.Ordinal).First(g => g.Count() > 1).Key}");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string reason) => throw new InvalidDataException(reason);
}
