using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Quantization;

/// <summary>
/// Static int8 quantization of a backbone, in .NET: calibrate activation ranges on a few hundred images, then build the
/// QDQ graph that ONNX Runtime runs with integer kernels (<c>QLinearConv</c>). The recipe: batch normalisation folded
/// into the convolutions, opset 13, uint8 asymmetric activations, int8 symmetric per-channel weights, int32 biases,
/// ReLU absorbed into the ranges, float pooled features.
/// </summary>
public static class BackboneQuantizer
{
    // Percentile reads whole activations (megabytes an image), MinMax two numbers per activation.
    private const int MinMaxBatch = 32, PercentileBatch = 8;

    /// <summary>
    /// Runs every one of <paramref name="images"/> through the float backbone and records each quantized activation's
    /// range (<see cref="TransferClassifierBuilder.WithInt8"/> draws
    /// <see cref="QuantizationOptions.CalibrationImages"/>
    /// of the training part for it). Images that cannot be decoded are passed over.
    /// </summary>
    /// <param name="backbone">The backbone to quantize (its features must be pooled from a spatial map).</param>
    /// <param name="images">Calibration image files, e.g. 256 drawn from the training part.</param>
    /// <param name="options">Method and weight settings (default <see cref="QuantizationOptions"/>).</param>
    /// <param name="modelStore">Where the backbone file is (null: the default store).</param>
    /// <param name="progress">Receives the number of images done.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <exception cref="BackboneNotFoundException">The backbone's file is missing.</exception>
    /// <exception cref="BackboneMismatchException">The backbone's file is not the pinned one.</exception>
    /// <exception cref="NotSupportedException">The backbone has no spatial map, or an operator the opset-13 upgrade
    /// does not know.</exception>
    /// <exception cref="InvalidDataException">None of the images could be decoded.</exception>
    public static async Task<Int8Calibration> CalibrateAsync(
        BackboneSpec backbone, IReadOnlyList<string> images, QuantizationOptions? options = null,
        ModelStore? modelStore = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(images);
        options ??= new QuantizationOptions();
        options.Validate();
        var (bytes, sha256) = BackboneRunner.ReadModel(backbone, (modelStore ?? ModelStore.Default).Options.Directory);
        var rewrite = OnnxGraphRewriter.ToFeatureExtractor(bytes, backbone);
        var prepared = Prepare(rewrite, backbone);
        var tensors = QdqGraph.Tensors(prepared, rewrite.PooledTensor);
        var collectors = tensors.ToDictionary(t => t, _ => new RangeCollector(options.Method, options.Percentile));

        var measured = prepared; // not needed afterwards: no copy of the weights
        var activations = tensors.Where(t => t != rewrite.InputName).ToArray();
        var fetched = MeasureOutputs(measured.Graph, activations, options.Method);
        using var session = BackboneRunner.CreateSession(measured.ToByteArray(), 0, cudaDevice: null);
        var preprocessor = new ImagePreprocessor(backbone.InputSize, backbone.Layout, backbone.Normalization);
        var floats = 3 * backbone.InputSize.Area;
        var decoded = 0;
        var batchSize = options.Method == CalibrationMethod.Percentile ? PercentileBatch : MinMaxBatch;
        for (var start = 0; start < images.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = images.Skip(start).Take(batchSize).ToArray();
            var files = await Task.WhenAll(batch.Select(path => ReadOrNullAsync(path, cancellationToken)))
                .ConfigureAwait(false);
            var input = new float[batch.Length * floats];
            var ok = new bool[batch.Length];
            Parallel.For(0, batch.Length, i =>
            {
                if (files[i] is not { } file) return;
                try
                {
                    preprocessor.Write(file, input.AsSpan(i * floats, floats));
                    ok[i] = true;
                }
                catch (ImageDecodeException)
                {
                    // Passed over, as training passes it over.
                }
            });
            var count = ok.Count(o => o);
            if (count == 0) continue;
            var packed = Pack(input, ok, floats);
            decoded += count;
            if (collectors.TryGetValue(rewrite.InputName, out var image)) image.Add(packed);
            long[] shape = backbone.Layout == TensorLayout.Nchw ? [count, 3, backbone.InputSize.Height,
                backbone.InputSize.Width] : [count, backbone.InputSize.Height, backbone.InputSize.Width, 3];
            using var tensor = OrtValue.CreateTensorValueFromMemory(packed, shape);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [rewrite.InputName], [tensor], fetched);
            // MinMax fetches each activation's batch minimum and maximum, Percentile the activation itself.
            Parallel.For(0, activations.Length, i =>
            {
                var collector = collectors[activations[i]];
                if (fetched.Length == activations.Length) collector.Add(outputs[i].GetTensorDataAsSpan<float>());
                else collector.Add([outputs[2 * i].GetTensorDataAsSpan<float>()[0],
                    outputs[2 * i + 1].GetTensorDataAsSpan<float>()[0]]);
            });
            progress?.Report(start + batch.Length);
        }
        if (decoded == 0)
            throw new InvalidDataException($"None of the {images.Count} calibration images could be decoded.");
        // Saturation is an x86 matter (vpmaddubsw without VNNI); Arm's dot-product kernels do not need 7-bit weights.
        var reduceRange = options.ReduceRange
            ?? (System.Runtime.Intrinsics.X86.X86Base.IsSupported && !QuantizationOptions.CpuHasVnni);
        return new Int8Calibration(
            sha256, options.Method, options.Percentile, decoded, options.PerChannelWeights, reduceRange,
            collectors.ToDictionary(c => c.Key, c => c.Value.Range));
    }

    /// <summary>
    /// Writes a stand-alone int8 backbone to <paramref name="path"/> (temp file, then renamed): 0..255 RGB pixels in
    /// (input <c>pixels</c>, in the backbone's layout and at its input size), the normalisation and the quantized
    /// network inside,
    /// the feature map out. Any ONNX runtime runs it; this library loads it as a custom backbone with the returned
    /// specification (or <c>BackboneSpec.FromOnnxFile(path, size, new PixelNormalization(), layout)</c>).
    /// </summary>
    /// <param name="backbone">The float backbone that was calibrated.</param>
    /// <param name="calibration">Its calibration (<see cref="CalibrateAsync"/>).</param>
    /// <param name="path">The file to write.</param>
    /// <param name="modelStore">Where the backbone file is (null: the default store).</param>
    /// <returns>The specification that loads the file, and how many convolutions ONNX Runtime runs in int8.</returns>
    /// <exception cref="BackboneNotFoundException">The backbone's file is missing.</exception>
    /// <exception cref="BackboneMismatchException">The backbone's file is not the pinned one.</exception>
    /// <exception cref="NotSupportedException">The backbone has no spatial map, or an operator the opset-13 upgrade
    /// does not know.</exception>
    /// <exception cref="InvalidDataException">The calibration was made for another backbone file or cut.</exception>
    public static QuantizedBackbone WriteInt8Backbone(
        BackboneSpec backbone, Int8Calibration calibration, string path, ModelStore? modelStore = null)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var (bytes, sha256) = BackboneRunner.ReadModel(backbone, (modelStore ?? ModelStore.Default).Options.Directory);
        var rewrite = OnnxGraphRewriter.ToFeatureExtractor(bytes, backbone);
        var quantized = Build(rewrite, sha256, backbone, calibration);
        var fusion = FusionCount.Of(quantized);

        var model = ModelProto.Parser.ParseFrom(quantized);
        var graph = model.Graph;
        var input = graph.Input.Single(i => i.Name == rewrite.InputName);
        var pixels = new ValueInfoProto { Name = rewrite.InputName == "pixels" ? "rgb_pixels"
            : "pixels", Type = input.Type.Clone() };
        var normalization = new GraphProto();
        var normalized = NormalizationGraph.Append(normalization, pixels.Name,
            new ImagePreprocessor(backbone.InputSize, backbone.Layout, backbone.Normalization), backbone,
            prefix: "pixels/", constantPrefix: "pixels/const/");
        normalization.Node.Last().Output[0] =
            rewrite.InputName; // the network reads the normalised pixels under its old input's name
        var network = graph.Node.ToArray();
        graph.Node.Clear();
        graph.Node.AddRange(normalization.Node.Concat(network));
        graph.Initializer.AddRange(normalization.Initializer);
        graph.Input.Remove(input);
        graph.Input.Insert(0, pixels);
        graph.Output.Clear();
        graph.Output.Add(new ValueInfoProto { Name = rewrite.PooledTensor, Type = new TypeProto {
            TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        OnnxGraphRewriter.Prune(graph, rewrite.PooledTensor, pixels.Name);
        foreach (var (key, value) in new[] { ("source_backbone", backbone.Name), ("source_sha256", sha256),
            ("precision", "int8"), ("int8_calibration", calibration.Fingerprint), ("input", "0..255 RGB pixels") })
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        AtomicFile.Write(path, stream => model.WriteTo(stream));

        var spec = new BackboneSpec(
            BackboneSpec.FromOnnxFile(path, backbone.InputSize, new PixelNormalization(), backbone.Layout))
        {
            Name = backbone.Name + "-int8",
            InputName = pixels.Name,
            FeatureNode = rewrite.PooledTensor,
            Pooling = backbone.Pooling,
            FeatureSize = backbone.FeatureSize,
        };
        return new QuantizedBackbone(spec, fusion.IntegerConvolutions, fusion.FloatConvolutions);
    }

    /// <summary>The int8 form of a cut backbone graph, for <see cref="BackboneRunner"/>.</summary>
    /// <exception cref="InvalidDataException">The calibration was made for another backbone file or cut.</exception>
    internal static byte[] Build(
        OnnxGraphRewriter.Result rewrite, string sha256, BackboneSpec backbone, Int8Calibration calibration)
    {
        if (!string.Equals(sha256, calibration.BackboneSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException("The int8 calibration was made for backbone file " +
                $"{calibration.BackboneSha256}, not '{backbone.Name}' ({sha256}); calibrate again.");
        return QdqGraph.Build(Prepare(rewrite, backbone), rewrite.PooledTensor, calibration).ToByteArray();
    }

    /// <summary>
    /// Makes the graph's outputs what calibration reads: with MinMax, a ReduceMin and a ReduceMax per activation (two
    /// numbers each, so ONNX Runtime keeps its fused, blocked layouts and reuses the activations' memory); with
    /// Percentile, the activations themselves.
    /// </summary>
    private static string[] MeasureOutputs(GraphProto graph, string[] activations, CalibrationMethod method)
    {
        graph.Output.Clear();
        var outputs = method == CalibrationMethod.Percentile ? activations
            : [.. activations.SelectMany(t => new[]
            {
                OnnxNodes.Add(graph, "ReduceMin", [t], t + "/calibration_min", OnnxNodes.Int("keepdims", 0)),
                OnnxNodes.Add(graph, "ReduceMax", [t], t + "/calibration_max", OnnxNodes.Int("keepdims", 0)),
            })];
        foreach (var output in outputs)
            graph.Output.Add(new ValueInfoProto { Name = output, Type = new TypeProto {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        return outputs;
    }

    private static ModelProto Prepare(OnnxGraphRewriter.Result rewrite, BackboneSpec backbone) => rewrite.Pools
        ? QdqGraph.Prepare(rewrite.Model, backbone.Name)
        : throw new NotSupportedException($"Backbone '{backbone.Name}' has no spatial map to quantize " +
            $"(FeaturePooling.{backbone.Pooling}, or a vector at the cut); int8 needs pooled features.");

    private static float[] Pack(float[] input, bool[] ok, int floats)
    {
        if (ok.All(o => o)) return input;
        var packed = new float[ok.Count(o => o) * floats];
        for (int i = 0, j = 0; i < ok.Length; i++)
            if (ok[i]) input.AsSpan(i * floats, floats).CopyTo(packed.AsSpan(j++ * floats, floats));
        return packed;
    }

    private static async Task<byte[]?> ReadOrNullAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
