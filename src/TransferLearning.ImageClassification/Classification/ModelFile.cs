using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Classification;

/// <summary>
/// The saved-model format: a zip with <c>model.json</c> (classes, head kind and shape, which backbone, its SHA-256 and
/// how it was cut and fed) and the head: <c>head.bin</c> (a dense head's parameters as little-endian float32) or
/// <c>head.mlnet</c> (an ML.NET model). The backbone itself is not copied in. Format 1 files (dense heads, the
/// catalogue's input size, cut and pooling) still load.
/// </summary>
internal static class ModelFile
{
    public const int FormatVersion = 2;
    private const string ManifestEntry = "model.json";
    private const string ParametersEntry = "head.bin";
    private const string MLNetEntry = "head.mlnet";
    private const string DenseKind = "dense";
    private const string MLNetKind = "mlnet";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public sealed record Manifest(
        int FormatVersion, string Backbone, string BackboneSha256, string BackboneSource, bool HorizontalFlip,
        IReadOnlyList<string> Classes, IReadOnlyList<int> LayerSizes,
        Preprocessing.ImageSize? InputSize = null, string? FeatureNode = null, FeaturePooling? Pooling = null, string HeadKind = DenseKind);

    /// <summary>The manifest's head description: kind and layer sizes.</summary>
    public static (string Kind, IReadOnlyList<int> LayerSizes) Describe(IClassifierHead head) => head switch
    {
        DenseHead dense => (DenseKind, dense.LayerSizes),
        MLNetHead => (MLNetKind, [head.FeatureSize, head.ClassCount]),
        _ => throw new NotSupportedException($"Saving a {head.GetType().Name} head is not supported."),
    };

    /// <summary>How many bytes <paramref name="head"/> takes in a model file.</summary>
    public static long HeadBytes(IClassifierHead head)
    {
        if (head is DenseHead dense) return dense.Parameters.Length * sizeof(float);
        using var buffer = new MemoryStream();
        ((MLNetHead)head).Save(buffer);
        return buffer.Length;
    }

    public static void Write(string path, Manifest manifest, IClassifierHead head)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        using (var zip = ZipFile.Open(temporary, ZipArchiveMode.Create))
        {
            using (var stream = zip.CreateEntry(ManifestEntry).Open()) JsonSerializer.Serialize(stream, manifest, Json);
            if (head is MLNetHead model)
                using (var stream = zip.CreateEntry(MLNetEntry).Open()) model.Save(stream);
            else
                using (var stream = zip.CreateEntry(ParametersEntry).Open()) stream.Write(MemoryMarshal.AsBytes(((DenseHead)head).Parameters));
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static (Manifest Manifest, IClassifierHead Head) Read(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            Manifest manifest;
            using (var stream = Open(zip, ManifestEntry, path))
                manifest = JsonSerializer.Deserialize<Manifest>(stream, Json) ?? throw new InvalidDataException($"'{path}': empty {ManifestEntry}.");
            if (manifest.FormatVersion is < 1 or > FormatVersion)
                throw new InvalidDataException($"'{path}' is model format {manifest.FormatVersion}; this library reads format {FormatVersion}.");
            using var buffer = new MemoryStream();
            using (var stream = Open(zip, manifest.HeadKind == MLNetKind ? MLNetEntry : ParametersEntry, path)) stream.CopyTo(buffer);
            buffer.Position = 0;
            if (manifest.HeadKind == MLNetKind)
                return (manifest, MLNetHead.Load(buffer, manifest.LayerSizes[0], manifest.LayerSizes[^1]));
            var parameters = MemoryMarshal.Cast<byte, float>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)).ToArray();
            return (manifest, new DenseHead(manifest.LayerSizes, parameters));
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}' is not a readable model file: {e.Message}", e);
        }
    }

    /// <summary>The backbone a manifest names, pinned to the SHA-256, input size, cut and pooling it was trained with.</summary>
    public static BackboneSpec ResolveBackbone(Manifest manifest, BackboneSpec? overrideSpec)
    {
        var spec = overrideSpec ?? BackboneCatalog.All.FirstOrDefault(b => b.Name == manifest.Backbone)
            ?? throw new BackboneNotFoundException(
                $"The model needs backbone '{manifest.Backbone}' (SHA-256 {manifest.BackboneSha256}, from {manifest.BackboneSource}), which is not in the catalogue; pass its specification when loading.");
        return spec with
        {
            Sha256 = manifest.BackboneSha256,
            InputSize = manifest.InputSize ?? spec.InputSize,
            FeatureNode = manifest.FeatureNode ?? spec.FeatureNode,
            Pooling = manifest.Pooling ?? spec.Pooling,
        };
    }

    private static Stream Open(ZipArchive zip, string entry, string path) =>
        (zip.GetEntry(entry) ?? throw new InvalidDataException($"'{path}' has no {entry}.")).Open();
}
