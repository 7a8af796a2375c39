using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>
/// A loaded backbone: one warm ONNX Runtime session over the batched rewrite of the graph.
/// <see cref="Run"/> is safe to call from several threads at once (ONNX Runtime sessions are).
/// </summary>
public sealed class BackboneRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private BackboneRunner(BackboneSpec spec, string modelSha256, InferenceSession session, ExecutionDevice device)
    {
        Spec = spec;
        ModelSha256 = modelSha256;
        Device = device;
        _session = session;
        _inputNames = [spec.InputName];
        _outputNames = [spec.FeatureNode];
    }

    /// <summary>What this runner runs.</summary>
    public BackboneSpec Spec { get; }

    /// <summary>SHA-256 (lower-case hex) of the ONNX file that was loaded.</summary>
    public string ModelSha256 { get; }

    /// <summary>Where the backbone actually runs (the CPU after a fallback).</summary>
    public ExecutionDevice Device { get; }

    /// <summary>Loads <paramref name="spec"/>'s model, checks its hash, and makes its batch dimension symbolic.</summary>
    /// <param name="spec">The backbone to load.</param>
    /// <param name="intraOpThreads">Threads ONNX Runtime may use inside one batch (0: its default, all cores).</param>
    /// <param name="device">Where to run it (default the CPU).</param>
    /// <param name="logger">Receives the warning when a GPU is unusable and the CPU is used instead.</param>
    /// <exception cref="BackboneNotFoundException">The file is missing or its hash differs from <see cref="BackboneSpec.Sha256"/>.</exception>
    /// <exception cref="ExecutionDeviceException">The GPU cannot be used and <see cref="ExecutionDevice.FallbackToCpu"/> is off.</exception>
    public static BackboneRunner Load(BackboneSpec spec, int intraOpThreads = 0, ExecutionDevice? device = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!File.Exists(spec.ModelPath))
            throw new BackboneNotFoundException(
                $"Backbone '{spec.Name}' needs the ONNX file '{spec.ModelPath}', which does not exist. Source: {spec.Source}.");
        var bytes = File.ReadAllBytes(spec.ModelPath);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (spec.Sha256 is { } expected && !string.Equals(expected, sha256, StringComparison.OrdinalIgnoreCase))
            throw new BackboneNotFoundException(
                $"Backbone '{spec.Name}': '{spec.ModelPath}' has SHA-256 {sha256}, expected {expected}. The file is damaged or a different model; restore it from {spec.Source}.");

        var model = OnnxGraphRewriter.ToBatchedFeatureExtractor(bytes, spec.FeatureNode);
        if ((device ?? ExecutionDevice.Cpu).CudaDeviceId is { } cudaDevice)
        {
            try
            {
                return new BackboneRunner(spec, sha256, CreateSession(model, intraOpThreads, cudaDevice), device!);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                var reason = $"CUDA device {cudaDevice} cannot run backbone '{spec.Name}': {CudaProvider.Diagnose() ?? e.Message}";
                if (!device!.FallbackToCpu) throw new ExecutionDeviceException(reason, e);
                (logger ?? NullLogger.Instance).LogWarning("{Reason}. Running on the CPU instead.", reason);
            }
        }
        return new BackboneRunner(spec, sha256, CreateSession(model, intraOpThreads, cudaDevice: null), ExecutionDevice.Cpu);
    }

    private static InferenceSession CreateSession(byte[] model, int intraOpThreads, int? cudaDevice)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
        };
        // Spinning intra-op threads would steal the cores the decode workers need between batches.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (cudaDevice is { } id) CudaProvider.Append(options, id);
        return new InferenceSession(model, options);
    }

    /// <summary>Runs <paramref name="count"/> preprocessed images and returns their features, image after image.</summary>
    /// <param name="input">The images' tensors back to back, in <see cref="BackboneSpec.Layout"/>.</param>
    /// <param name="count">How many images <paramref name="input"/> holds.</param>
    public float[] Run(Memory<float> input, int count)
    {
        var (height, width) = (Spec.InputSize.Height, Spec.InputSize.Width);
        long[] shape = Spec.Layout == Preprocessing.TensorLayout.Nchw ? [count, 3, height, width] : [count, height, width, 3];
        if (input.Length != count * 3 * height * width)
            throw new ArgumentException($"Expected {count} images of {3 * height * width} floats, got {input.Length} floats.", nameof(input));

        using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, _inputNames, [tensor], _outputNames);
        var features = outputs[0].GetTensorDataAsSpan<float>();
        if (features.Length != count * Spec.FeatureSize)
            throw new InvalidOperationException(
                $"Backbone '{Spec.Name}' gave {features.Length / Math.Max(count, 1)} features per image at '{Spec.FeatureNode}', its specification says {Spec.FeatureSize}.");
        return features.ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
