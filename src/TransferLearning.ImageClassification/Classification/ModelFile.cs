using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.IO;
using TransferLearning.ImageClassification.Novelty;

namespace TransferLearning.ImageClassification.Classification;

/// <summary>
/// The saved-model format: a zip with <c>model.json</c> (<see cref="ModelManifest"/>), the head: <c>head.bin</c> (a
/// dense head's parameters as little-endian float32) or <c>head.mlnet</c> (an ML.NET model), from format 5 the
/// novelty detector (<c>novelty.bin</c>), and from format 6 a fine-tuned backbone's changed weights
/// (<c>backbone-weights.bin</c>, <see cref="BackboneWeights"/>). The backbone file itself is not copied in. Format 1 files (dense heads, the catalogue's input size, cut and pooling) and format 2 files
/// (preprocessing version 1: SkiaSharp's resize) still load. Reading
/// trusts nothing: an entry is opened only if the size it declares fits a limit derived from the manifest (.NET's
/// zip reader stops inflating at that declared size, so a small entry cannot inflate to gigabytes), and every
/// failure is one <see cref="InvalidDataException"/> naming the file and the reason.
/// </summary>
internal static class ModelFile
{
    // 3: the manifest records the preprocessing version (0.4.0 and before, reading format 2, would resize differently).
    // 4: int8 backbones (int8-calibration.json).
    // 5: the novelty detector (novelty.bin).
    /// <summary>The newest format: 6 adds a fine-tuned backbone's weights (<c>backbone-weights.bin</c>). A model is
    /// written in the oldest format that holds what it has, so older libraries still load it.</summary>
    public const int FormatVersion = 6;

    /// <summary>The format a model is written in: the oldest that holds what it has.</summary>
    public static int FormatFor(bool int8, bool novelty, bool fineTuned = false) =>
        fineTuned ? 6 : novelty ? 5 : int8 ? 4 : 3;
    private const string ManifestEntry = "model.json";
    private const string ParametersEntry = "head.bin";
    private const string MLNetEntry = "head.mlnet";
    private const string CalibrationEntry = "int8-calibration.json";
    private const string NoveltyEntry = "novelty.bin";
    private const string WeightsEntry = "backbone-weights.bin";
    private const long MaxCalibrationBytes = 4 << 20;
    private const long MaxManifestBytes = 1 << 20;
    private const long MaxMLNetBytes = 256L << 20;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(allowIntegerValues: false) },
    };

    /// <summary>The manifest's head description: kind and layer sizes.</summary>
    public static (string Kind, IReadOnlyList<int> LayerSizes) Describe(IClassifierHead head) => head switch
    {
        DenseHead dense => (ModelManifest.DenseKind, dense.LayerSizes),
        MLNetHead => (ModelManifest.MLNetKind, [head.FeatureSize, head.ClassCount]),
        _ => throw new NotSupportedException($"Saving a {head.GetType().Name} head is not supported."),
    };

    /// <summary>How many bytes <paramref name="head"/> takes in a model file.</summary>
    public static long HeadBytes(IClassifierHead head)
    {
        using var buffer = new MemoryStream();
        head.Save(buffer);
        return buffer.Length;
    }

    public static void Write(string path, ModelManifest manifest, IClassifierHead head,
        Quantization.Int8Calibration? int8, NoveltyDetector? novelty, BackboneWeights? weights) =>
        AtomicFile.Write(path, file =>
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
            using (var stream = zip.CreateEntry(ManifestEntry).Open()) JsonSerializer.Serialize(stream, manifest, Json);
            if (int8 is not null)
                using (var stream = zip.CreateEntry(CalibrationEntry).Open()) stream.Write(int8.ToJson());
            if (novelty is not null)
                using (var stream = zip.CreateEntry(NoveltyEntry).Open()) novelty.Save(stream);
            if (weights is not null)
                using (var stream = zip.CreateEntry(WeightsEntry, CompressionLevel.Fastest).Open()) weights.Write(stream);
            using var entry = zip.CreateEntry(head is MLNetHead ? MLNetEntry : ParametersEntry).Open();
            head.Save(entry);
        });

    /// <exception cref="InvalidDataException">Not a model file this library can use; the message names the file and
    /// why.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static (ModelManifest Manifest, IClassifierHead Head, Quantization.Int8Calibration? Int8,
        NoveltyDetector? Novelty, BackboneWeights? Weights) Read(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            ModelManifest manifest;
            using (var stream = Open(zip, ManifestEntry, MaxManifestBytes))
                manifest = JsonSerializer.Deserialize<ModelManifest>(stream, Json)
                    ?? throw new InvalidDataException($"{ManifestEntry} is empty");
            manifest.Validate(FormatVersion);
            var head = manifest.HeadKind == ModelManifest.MLNetKind ? ReadMLNetHead(zip, manifest)
                : (IClassifierHead)ReadDenseHead(zip, manifest);
            return (manifest, head, manifest.Precision == ModelManifest.Int8 ? ReadCalibration(zip) : null,
                manifest.Novelty is { } novelty ? ReadNovelty(zip, manifest, novelty) : null,
                manifest.FineTunedSha256 is { } tuned ? ReadWeights(zip, tuned) : null);
        }
        catch (Exception e) when (e is not (FileNotFoundException or DirectoryNotFoundException
            or UnauthorizedAccessException or OperationCanceledException))
        {
            // One line, whatever failed underneath: the zip reader, the JSON reader, ML.NET, or our own checks.
            var reason = e is JsonException json ? $"{ManifestEntry} is not valid ({json.Message.Split(". Path:")[0]})"
                : e.Message;
            throw new InvalidDataException($"'{path}' is not a usable model file: {reason.ReplaceLineEndings(" ")}", e);
        }
    }

    private static Quantization.Int8Calibration ReadCalibration(ZipArchive zip)
    {
        using var stream = Open(zip, CalibrationEntry, MaxCalibrationBytes);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Quantization.Int8Calibration.FromJson(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static BackboneWeights ReadWeights(ZipArchive zip, string sha256)
    {
        var length = Entry(zip, WeightsEntry).Length;
        using var stream = Open(zip, WeightsEntry, BackboneWeights.MaxStoredBytes);
        var weights = BackboneWeights.Read(stream, length);
        if (!string.Equals(weights.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{WeightsEntry} has SHA-256 {weights.Sha256}; the manifest says {sha256}");
        return weights;
    }

    private static NoveltyDetector ReadNovelty(ZipArchive zip, ModelManifest manifest, NoveltyManifest novelty)
    {
        var (features, classes) = (manifest.LayerSizes[0], manifest.LayerSizes[^1]);
        if (features > NoveltyDetector.MaxFeatures)
            throw new InvalidDataException(
                $"it has a novelty detector for {features} features; the most this library reads is " +
                $"{NoveltyDetector.MaxFeatures}");
        var bytes = NoveltyDetector.StoredBytes(features, classes);
        if (Entry(zip, NoveltyEntry).Length != bytes)
            throw new InvalidDataException(
                $"{NoveltyEntry} holds {Entry(zip, NoveltyEntry).Length} bytes; {features} features and {classes} " +
                $"classes need {bytes}");
        using var stream = Open(zip, NoveltyEntry, bytes);
        return NoveltyDetector.Load(stream, novelty.Space, features, classes, novelty.Threshold, novelty.Acceptance);
    }

    private static DenseHead ReadDenseHead(ZipArchive zip, ModelManifest manifest)
    {
        var bytes = manifest.DenseHeadBytes;
        var entry = Entry(zip, ParametersEntry);
        if (entry.Length != bytes)
            throw new InvalidDataException($"{ParametersEntry} holds {entry.Length} bytes; layer sizes " +
                $"[{string.Join(", ", manifest.LayerSizes)}] need {bytes}");
        var parameters = new float[bytes / sizeof(float)];
        using (var stream = Open(zip, ParametersEntry, bytes))
            stream.ReadExactly(MemoryMarshal.AsBytes(parameters.AsSpan()));
        var bad = Array.FindIndex(parameters, p => !float.IsFinite(p));
        if (bad >= 0)
            throw new InvalidDataException($"{ParametersEntry} holds a non-finite weight ({parameters[bad]} at {bad})");
        return new DenseHead(manifest.LayerSizes, parameters);
    }

    private static MLNetHead ReadMLNetHead(ZipArchive zip, ModelManifest manifest)
    {
        using var buffer = new MemoryStream();
        using (var stream = Open(zip, MLNetEntry, MaxMLNetBytes)) stream.CopyTo(buffer);
        buffer.Position = 0;
        try
        {
            return MLNetHead.Load(buffer, manifest.LayerSizes[0], manifest.LayerSizes[^1]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidDataException(
                $"{MLNetEntry} is not an ML.NET model ML.NET can load ({e.GetType().Name}: {e.Message})", e);
        }
    }

    /// <summary>The backbone a manifest names, pinned to the SHA-256, input size, cut and pooling it was trained
    /// with, and carrying the fine-tuned weights, if any.</summary>
    public static BackboneSpec ResolveBackbone(
        ModelManifest manifest, BackboneSpec? overrideSpec, BackboneWeights? weights = null)
    {
        var spec = overrideSpec ?? BackboneCatalog.All.FirstOrDefault(b => b.Name == manifest.Backbone)
            ?? throw new BackboneNotFoundException(
                $"The model needs backbone '{manifest.Backbone}' (SHA-256 {manifest.BackboneSha256}, from " +
                $"{manifest.BackboneSource}), which is not in the catalogue; pass its specification when loading.");
        return new BackboneSpec(spec)
        {
            Sha256 = manifest.BackboneSha256,
            InputSize = manifest.InputSize ?? spec.InputSize,
            FeatureNode = manifest.FeatureNode ?? spec.FeatureNode,
            Pooling = manifest.Pooling ?? spec.Pooling,
            TunedWeights = weights,
        };
    }

    private static ZipArchiveEntry Entry(ZipArchive zip, string name) =>
        zip.GetEntry(name) ?? throw new InvalidDataException($"it has no {name}");

    private static Stream Open(ZipArchive zip, string name, long limit)
    {
        var entry = Entry(zip, name);
        if (entry.Length > limit)
            throw new InvalidDataException($"{name} says it holds {entry.Length} bytes; the limit is {limit}");
        return entry.Open();
    }
}
