using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>
/// A loaded backbone: one warm ONNX Runtime session over the batched rewrite of the graph.
/// <see cref="Run"/> is safe to call from several threads at once (ONNX Runtime sessions are).
/// </summary>
internal sealed class BackboneRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames = [OnnxGraphRewriter.OutputName];
    private readonly string[]? _withMapNames; // features and the pooled map, when the graph pools

    private BackboneRunner(BackboneSpec spec, string modelSha256, InferenceSession session, ExecutionDevice device,
        OnnxGraphRewriter.Result rewrite)
    {
        Spec = spec;
        ModelSha256 = modelSha256;
        Device = device;
        _session = session;
        _inputNames = [rewrite.InputName];
        _withMapNames = rewrite.Pools ? [OnnxGraphRewriter.OutputName, rewrite.PooledTensor] : null;
        MapGrid = rewrite.Grid;
        FeatureSize = Probe(spec.FeatureSize);
    }

    /// <summary>What this runner runs.</summary>
    public BackboneSpec Spec { get; }

    /// <summary>SHA-256 (lower-case hex) of the ONNX file that was loaded.</summary>
    public string ModelSha256 { get; }

    /// <summary>Where the backbone actually runs (the CPU after a fallback).</summary>
    public ExecutionDevice Device { get; }

    /// <summary>Features per image, as the network gives them.</summary>
    public int FeatureSize { get; }

    /// <summary>Where the cells of the map that <see cref="RunWithMap"/> returns sit over the input; null when the
    /// graph does not say.</summary>
    internal MapGrid? MapGrid { get; }

    /// <summary>
    /// Loads <paramref name="spec"/>'s model, checks its hash, cuts it at the feature tensor (pooled, flattened,
    /// batch and spatial dimensions symbolic) and runs one image through it to check the input size fits.
    /// </summary>
    /// <param name="spec">The backbone to load.</param>
    /// <param name="intraOpThreads">Threads ONNX Runtime may use inside one batch (0: as many as the process has
    /// processors).</param>
    /// <param name="device">Where to run it (default the CPU).</param>
    /// <param name="logger">Receives the warning when a GPU is unusable and the CPU is used instead.</param>
    /// <param name="modelDirectory">Folder of downloaded backbones (default: <c>$TRANSFER_LEARNING_MODELS</c> or the
    /// user cache).</param>
    /// <exception cref="BackboneNotFoundException">The file is missing (not downloaded yet).</exception>
    /// <exception cref="BackboneMismatchException">Its hash differs from <see cref="BackboneSpec.Sha256"/>.</exception>
    /// <exception cref="ExecutionDeviceException">The GPU cannot be used and
    /// <see cref="ExecutionDevice.FallbackToCpu"/> is off.</exception>
    /// <exception cref="InvalidDataException">The graph has no such input or feature node, or cannot take the input
    /// size.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The input size is outside
    /// <see cref="BackboneSpec.MinInputSide"/>..<see cref="BackboneSpec.MaxInputSide"/>.</exception>
    public static BackboneRunner Load(BackboneSpec spec, int intraOpThreads = 0, ExecutionDevice? device = null,
        ILogger? logger = null, string? modelDirectory = null) =>
        Load(spec, intraOpThreads, device, logger, modelDirectory, rebuild: null);

    /// <summary>As the public overload; <paramref name="rebuild"/> turns the cut graph into the one to run (e.g. its
    /// int8 form).</summary>
    internal static BackboneRunner Load(
        BackboneSpec spec, int intraOpThreads, ExecutionDevice? device, ILogger? logger, string? modelDirectory,
        Func<OnnxGraphRewriter.Result, string, byte[]>? rebuild)
    {
        ArgumentNullException.ThrowIfNull(spec);
        BackboneSpec.CheckInputSize(spec.InputSize);
        var (bytes, sha256) = ReadModel(spec, modelDirectory);
        var rewrite = OnnxGraphRewriter.ToFeatureExtractor(bytes, spec);
        var model = rebuild?.Invoke(rewrite, sha256) ?? rewrite.Model;
        if ((device ?? ExecutionDevice.Cpu).CudaDeviceId is { } cudaDevice)
        {
            try
            {
                return new BackboneRunner(
                    spec, sha256, CreateSession(model, intraOpThreads, cudaDevice), device!, rewrite);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                var reason = $"CUDA device {cudaDevice} cannot run backbone '{spec.Name}': " +
                    $"{CudaProvider.Diagnose() ?? e.Message}";
                if (!device!.FallbackToCpu) throw new ExecutionDeviceException(reason, e);
                (logger ?? NullLogger.Instance).LogWarning("{Reason}. Running on the CPU instead.", reason);
            }
        }
        return new BackboneRunner(
            spec, sha256, CreateSession(model, intraOpThreads, cudaDevice: null), ExecutionDevice.Cpu, rewrite);
    }

    /// <summary>The backbone's ONNX file, with <see cref="BackboneSpec.TunedWeights"/> applied, and the file's SHA-256,
    /// checked against <see cref="BackboneSpec.Sha256"/>.</summary>
    /// <exception cref="BackboneNotFoundException">The file is missing.</exception>
    /// <exception cref="BackboneMismatchException">The file is not the expected one.</exception>
    internal static (byte[] Bytes, string Sha256) ReadModel(BackboneSpec spec, string? modelDirectory)
    {
        var path = BackboneFile.PathOf(spec, modelDirectory);
        if (!File.Exists(path))
            throw new BackboneNotFoundException(spec.Download is { } download && spec.ModelPath is null
                ? $"Backbone '{spec.Name}' is not downloaded yet: expected '{path}'. Call ModelStore.EnsureAsync " +
                    $"(TransferClassifierBuilder and TransferExperiment do on first use), or save {download.Url} " +
                    "there by hand."
                : $"Backbone '{spec.Name}' needs the ONNX file '{path}', which does not exist. Source: {spec.Source}.");
        var bytes = File.ReadAllBytes(path);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (spec.Sha256 is { } expected && !string.Equals(expected, sha256, StringComparison.OrdinalIgnoreCase))
            throw new BackboneMismatchException(
                $"Backbone '{spec.Name}': '{path}' has SHA-256 {sha256}, expected {expected}. The file is damaged or " +
                $"a different model; restore it from {spec.Download?.Url.ToString() ?? spec.Source}.");
        try
        {
            return (spec.TunedWeights?.Apply(bytes) ?? bytes, sha256);
        }
        catch (InvalidDataException e)
        {
            throw new BackboneMismatchException($"Backbone '{spec.Name}': {e.Message}.");
        }
    }

    /// <summary>One blank image through the network: learns the feature size and fails early on an input size the graph
    /// cannot take.</summary>
    private int Probe(int? expected)
    {
        float[] features;
        try
        {
            features = RunUnchecked(new float[3 * Spec.InputSize.Area], 1);
        }
        catch (OnnxRuntimeException e) when (Device.CudaDeviceId is null)
        {
            _session.Dispose();
            throw new InvalidDataException(
                $"Backbone '{Spec.Name}' cannot run on {Spec.InputSize} input: {e.Message}", e);
        }
        if (expected is { } size && size != features.Length)
        {
            _session.Dispose();
            throw new InvalidDataException(
                $"Backbone '{Spec.Name}' gives {features.Length} features per image, its specification says {size}.");
        }
        return features.Length;
    }

    internal static InferenceSession CreateSession(byte[] model, int intraOpThreads, int? cudaDevice)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // Not ONNX Runtime's default (0), which counts cores its own way: it ran one thread on a 2-vCPU VM, at half
            // the images per second (docs/benchmarks.md).
            IntraOpNumThreads = intraOpThreads > 0 ? intraOpThreads : Environment.ProcessorCount,
        };
        // Spinning intra-op threads would steal the cores the decode workers need between batches.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (cudaDevice is { } id) CudaProvider.Append(options, id);
        return new InferenceSession(model, options);
    }

    /// <summary>Runs <paramref name="count"/> preprocessed images and returns their features, image after
    /// image.</summary>
    /// <param name="input">The images' tensors back to back, in <see cref="BackboneSpec.Layout"/>.</param>
    /// <param name="count">How many images <paramref name="input"/> holds.</param>
    public float[] Run(Memory<float> input, int count)
    {
        var features = RunUnchecked(input, count);
        if (features.Length != count * FeatureSize)
            throw new InvalidOperationException(
                $"Backbone '{Spec.Name}' gave {features.Length / Math.Max(count, 1)} features per image, " +
                $"{FeatureSize} expected.");
        return features;
    }

    /// <summary>
    /// As <see cref="Run"/>, also returning the map the features pool, [count, channels, height, width], for
    /// class-activation maps.
    /// </summary>
    /// <exception cref="NotSupportedException">The backbone does not pool (<see cref="FeaturePooling.None"/>, or a
    /// vector at the cut).</exception>
    internal (float[] Features, float[] Map, int[] MapShape) RunWithMap(Memory<float> input, int count)
    {
        var names = _withMapNames ?? throw new NotSupportedException(
            $"Backbone '{Spec.Name}' has no spatial map to explain: its features are not pooled from one " +
            $"(FeaturePooling.{Spec.Pooling}).");
        using var outputs = RunOutputs(input, count, names);
        var map = outputs[1];
        var shape = map.GetTensorTypeAndShape().Shape;
        if (shape.Length != 4)
            throw new NotSupportedException($"Backbone '{Spec.Name}' pools a tensor of rank {shape.Length}; " +
                "class-activation maps need [N, C, H, W].");
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), map.GetTensorDataAsSpan<float>().ToArray(),
            [.. shape.Select(d => (int)d)]);
    }

    private float[] RunUnchecked(Memory<float> input, int count)
    {
        using var outputs = RunOutputs(input, count, _outputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private IDisposableReadOnlyCollection<OrtValue> RunOutputs(Memory<float> input, int count, string[] outputNames)
    {
        var (height, width) = (Spec.InputSize.Height, Spec.InputSize.Width);
        long[] shape = Spec.Layout == Preprocessing.TensorLayout.Nchw ? [count, 3, height, width]
            : [count, height, width, 3];
        if (input.Length != count * 3 * height * width)
            throw new ArgumentException(
                $"Expected {count} images of {3 * height * width} floats, got {input.Length} floats.", nameof(input));

        using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, shape);
        using var runOptions = new RunOptions();
        return _session.Run(runOptions, _inputNames, [tensor], outputNames);
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
