using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Classification;

/// <summary>Model files from strangers: each hostile one is refused with one line naming the file, without reading what it claims.</summary>
public sealed class ModelFileTests : IDisposable
{
    private static readonly int[] Layers = [8, 4, 3];
    private readonly TempFolder _folder = TestImages.NewFolder();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_valid_file_round_trips()
    {
        var path = Valid();

        var (manifest, head, _, _, _) = ModelFile.Read(path);

        Assert.Equal(["a", "b", "c"], manifest.Classes);
        Assert.Equal(Parameters(), ((DenseHead)head).Parameters.ToArray());
    }

    [Fact]
    public void A_file_saved_before_the_preprocessing_was_recorded_reads_as_skia_sharp_s_resizing()
    {
        var path = Valid();
        TamperManifest(path, m =>
        {
            m["formatVersion"] = 2;
            m.Remove("preprocessingVersion");
        });

        Assert.Equal(1, ModelFile.Read(path).Manifest.PreprocessingVersion);
    }

    public static TheoryData<string, Action<JsonObject>, string> BadManifests => new()
    {
        { "no classes", m => m.Remove("classes"), "'classes' must name each" },
        { "duplicate class", m => m["classes"] = new JsonArray("a", "b", "a"), "repeats a name: a" },
        { "null class", m => m["classes"] = new JsonArray("a", null, "c"), "empty, null" },
        { "too few class names", m => m["classes"] = new JsonArray("a", "b"), "each of the head's 3 classes" },
        { "unknown head kind", m => m["headKind"] = "gradient-boosted", "'headKind' is 'gradient-boosted'" },
        { "no backbone hash", m => m["backboneSha256"] = null, "'backboneSha256'" },
        { "short backbone hash", m => m["backboneSha256"] = "abc", "'backboneSha256'" },
        { "future format", m => m["formatVersion"] = 99, "model format 99" },
        { "future preprocessing", m => m["preprocessingVersion"] = 9, "'preprocessingVersion' is 9" },
        { "huge input size", m => m["inputSize"] = new JsonObject { ["width"] = 8192, ["height"] = 8192 }, "8192x8192 is outside" },
        { "input size that overflows", m => m["inputSize"] = new JsonObject { ["width"] = 100000, ["height"] = 100000 }, "100000x100000 is outside" },
        { "layer sizes that overflow", m => m["layerSizes"] = new JsonArray(int.MaxValue, int.MaxValue, int.MaxValue, 2), "more than 2^63" },
        { "layer sizes far over the limit", m => m["layerSizes"] = new JsonArray(256, 16582944, 2), "need 4,294,982,498 parameters; the limit is 67,108,864" },
        { "one layer", m => m["layerSizes"] = new JsonArray(8), "'layerSizes' needs 2 to 16" },
        { "zero size", m => m["layerSizes"] = new JsonArray(8, 0, 3), "below 1" },
        { "unknown pooling", m => m["pooling"] = "Median", "model.json is not valid" },
        { "empty object", m => m.Clear(), "model format 0" },
        { "no backbone", m => m.Remove("backbone"), "'backbone' is missing" },
    };

    [Theory]
    [MemberData(nameof(BadManifests))]
    public void A_manifest_that_lies_is_refused_with_one_line_naming_the_file_and_the_field(string _, Action<JsonObject> tamper, string reason)
    {
        var path = Valid();
        TamperManifest(path, tamper);

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Read(path));

        Assert.Contains(path, error.Message);
        Assert.True(error.Message.Contains(reason, StringComparison.Ordinal), error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_non_finite_weight_is_refused()
    {
        var path = Valid();
        var parameters = Parameters();
        parameters[5] = float.NaN;
        Replace(path, "head.bin", MemoryMarshal.AsBytes(parameters.AsSpan()).ToArray());

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Read(path));

        Assert.Contains("non-finite weight (NaN at 5)", error.Message);
    }

    [Fact]
    public void A_head_of_the_wrong_length_is_refused_before_it_is_read()
    {
        var path = Valid();
        Replace(path, "head.bin", new byte[64 << 20]); // 64 MB of zeros, deflated to ~64 kB

        var allocated = AllocatedWhile(() => Assert.Throws<InvalidDataException>(() => ModelFile.Read(path)), out var error);

        Assert.Contains("head.bin holds 67108864 bytes; layer sizes [8, 4, 3] need 204", error.Message);
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_head_entry_that_declares_less_than_it_inflates_to_is_read_only_as_far_as_declared()
    {
        var path = Valid();
        Replace(path, "head.bin", Enumerable.Repeat((byte)0, 64 << 20).ToArray());
        ForgeDeclaredSize(path, "head.bin", 204); // the zip now claims the 64 MB entry holds exactly what the layers need

        var allocated = AllocatedWhile(() => ModelFile.Read(path), out var read);

        Assert.Equal(51, ((DenseHead)read.Head).Parameters.Length);
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_manifest_over_its_size_limit_is_refused_before_it_is_parsed()
    {
        var path = Valid();
        TamperManifest(path, m => m["backboneSource"] = new string('x', 3 << 20));

        var allocated = AllocatedWhile(() => Assert.Throws<InvalidDataException>(() => ModelFile.Read(path)), out var error);

        Assert.Contains("model.json says it holds", error.Message);
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_manifest_that_declares_less_than_it_inflates_to_is_read_only_as_far_as_declared()
    {
        var path = Valid();
        TamperManifest(path, m => m["backboneSource"] = new string('x', 64 << 20));
        ForgeDeclaredSize(path, "model.json", 1000);

        var allocated = AllocatedWhile(() => Assert.Throws<InvalidDataException>(() => ModelFile.Read(path)), out var error);

        Assert.True(error.Message.Contains("model.json is not valid", StringComparison.Ordinal), error.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void An_ml_net_head_that_is_not_an_ml_net_model_is_refused_with_one_line()
    {
        var path = Valid();
        TamperManifest(path, m => (m["headKind"], m["layerSizes"]) = ("mlnet", new JsonArray(8, 3)));
        Replace(path, "head.mlnet", "this is not a zip"u8.ToArray());

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Read(path));

        Assert.Contains("head.mlnet is not an ML.NET model", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("PK\u0003\u0004 truncated")]
    [InlineData("plain text")]
    public void A_file_that_is_not_a_zip_is_refused_with_one_line(string content)
    {
        var path = _folder.Write("model.zip", System.Text.Encoding.Latin1.GetBytes(content));

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Read(path));

        Assert.StartsWith($"'{path}' is not a usable model file: ", error.Message);
    }

    [Fact]
    public void Saving_over_a_model_leaves_no_temporary_file_and_reuses_one_a_killed_save_left()
    {
        var path = Valid();
        var leftover = _folder.Write(".model.zip.tmp", "left by a killed save"u8.ToArray());

        Valid();

        Assert.False(File.Exists(leftover));
        Assert.Equal(["model.zip"], Directory.GetFiles(_folder.Path).Select(Path.GetFileName));
        Assert.Equal(["a", "b", "c"], ModelFile.Read(path).Manifest.Classes);
    }

    private static float[] Parameters() => Enumerable.Range(0, (8 + 1) * 4 + (4 + 1) * 3).Select(i => i / 100f).ToArray();

    [Fact]
    public void A_novelty_detector_claiming_more_features_than_the_library_reads_is_refused_before_any_allocation()
    {
        var path = _folder.Combine("wide.zip");
        int[] layers = [5000, 3];
        var manifest = new ModelManifest(
            ModelFile.FormatVersion, "resnet18", new string('a', 64), "tests", HorizontalFlip: false, ["a", "b", "c"], layers,
            PreprocessingVersion: ImageClassification.Preprocessing.ImagePreprocessor.Version,
            Novelty: new NoveltyManifest(ImageClassification.Novelty.NoveltyDetector.Method, ImageClassification.Novelty.NoveltySpace.Normalized, 2f, 0.95));
        ModelFile.Write(path, manifest, new DenseHead(layers, new float[DenseHead.ParameterCount(layers)]), null, novelty: null, weights: null);

        var allocated = AllocatedWhile(() => Assert.Throws<InvalidDataException>(() => ModelFile.Read(path)), out var error);

        Assert.Contains("novelty detector for 5000 features", error.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(6, 'b', "backbone-weights.bin has SHA-256")]
    [InlineData(5, 'a', "'fineTunedSha256' needs model format 6")]
    public void Fine_tuned_weights_must_be_the_ones_the_manifest_names_in_format_6(int format, char claimed, string reason)
    {
        var weights = new ImageClassification.Backbones.BackboneWeights([("w", [2], [1f, 2f])]);
        var path = _folder.Combine("tuned.zip");
        var manifest = new ModelManifest(
            format, "resnet18", new string('a', 64), "tests", HorizontalFlip: false, ["a", "b", "c"], Layers,
            PreprocessingVersion: ImageClassification.Preprocessing.ImagePreprocessor.Version,
            FineTunedSha256: claimed == 'a' ? weights.Sha256 : new string(claimed, 64));
        ModelFile.Write(path, manifest, new DenseHead(Layers, Parameters()), null, null, weights);

        Assert.Contains(reason, Assert.Throws<InvalidDataException>(() => ModelFile.Read(path)).Message);
    }

    [Fact]
    public void Fine_tuned_weights_round_trip_in_format_6()
    {
        var weights = new ImageClassification.Backbones.BackboneWeights([("w", [2], [1f, 2f])]);
        var path = _folder.Combine("tuned.zip");
        var manifest = new ModelManifest(
            ModelFile.FormatFor(int8: false, novelty: false, fineTuned: true), "resnet18", new string('a', 64), "tests",
            HorizontalFlip: false, ["a", "b", "c"], Layers,
            PreprocessingVersion: ImageClassification.Preprocessing.ImagePreprocessor.Version, FineTunedSha256: weights.Sha256);
        ModelFile.Write(path, manifest, new DenseHead(Layers, Parameters()), null, null, weights);

        var read = ModelFile.Read(path);

        Assert.Equal(6, read.Manifest.FormatVersion);
        Assert.Equal(weights.Sha256, read.Weights!.Sha256);
        Assert.Equal(weights.Sha256, ModelFile.ResolveBackbone(read.Manifest, null, read.Weights).FineTunedSha256);
    }

    private string Valid()
    {
        var path = _folder.Combine("model.zip");
        var manifest = new ModelManifest(
            ModelFile.FormatVersion, "resnet18", new string('a', 64), "tests", HorizontalFlip: false, ["a", "b", "c"], Layers,
            PreprocessingVersion: ImageClassification.Preprocessing.ImagePreprocessor.Version);
        ModelFile.Write(path, manifest, new DenseHead(Layers, Parameters()), null, null, null);
        return path;
    }

    private static long AllocatedWhile<T>(Func<T> action, out T result)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        result = action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    internal static void TamperManifest(string path, Action<JsonObject> tamper)
    {
        var manifest = JsonNode.Parse(ReadEntry(path, "model.json"))!.AsObject();
        tamper(manifest);
        Replace(path, "model.json", System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
    }

    private static string ReadEntry(string path, string entry)
    {
        using var zip = ZipFile.OpenRead(path);
        using var reader = new StreamReader(zip.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }

    private static void Replace(string path, string entry, byte[] content)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        zip.GetEntry(entry)?.Delete();
        using var stream = zip.CreateEntry(entry, CompressionLevel.SmallestSize).Open();
        stream.Write(content);
    }

    /// <summary>Rewrites the uncompressed size an entry declares, in its local header and in the central directory, as a hostile file would.</summary>
    private static void ForgeDeclaredSize(string path, string entry, uint size)
    {
        var bytes = File.ReadAllBytes(path);
        var name = System.Text.Encoding.ASCII.GetBytes(entry);
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            var signature = BitConverter.ToUInt32(bytes, i);
            var (nameAt, sizeAt) = signature switch
            {
                0x04034b50 => (i + 30, i + 22), // local file header
                0x02014b50 => (i + 46, i + 24), // central directory entry
                _ => (-1, -1),
            };
            if (nameAt < 0 || !bytes.AsSpan(nameAt).StartsWith(name)) continue;
            BitConverter.TryWriteBytes(bytes.AsSpan(sizeAt), size);
        }
        File.WriteAllBytes(path, bytes);
    }
}
