namespace TransferLearning.ImageClassification.Backbones;

/// <summary>Where a backbone runs: the CPU, or an NVIDIA GPU through ONNX Runtime's CUDA execution provider.</summary>
public sealed class ExecutionDevice
{
    private ExecutionDevice(int? cudaDeviceId, bool fallbackToCpu) =>
        (CudaDeviceId, FallbackToCpu) = (cudaDeviceId, fallbackToCpu);

    /// <summary>The CPU (the default).</summary>
    public static ExecutionDevice Cpu { get; } = new(null, false);

    /// <summary>
    /// CUDA device <paramref name="deviceId"/>. The app must reference Microsoft.ML.OnnxRuntime.Gpu.Linux (CUDA 13
    /// build) and the machine needs the NVIDIA driver, the CUDA 13 runtime and cuBLAS, and cuDNN 9. Without them:
    /// a logged warning and the CPU when <paramref name="fallbackToCpu"/>, else an
    /// <see cref="ExecutionDeviceException"/>
    /// naming what is missing.
    /// </summary>
    public static ExecutionDevice Cuda(int deviceId = 0, bool fallbackToCpu = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        return new(deviceId, fallbackToCpu);
    }

    /// <summary>The CUDA device index, or null for the CPU.</summary>
    public int? CudaDeviceId { get; }

    /// <summary>Whether an unusable GPU means the CPU (with a warning) rather than an error.</summary>
    public bool FallbackToCpu { get; }

    /// <inheritdoc />
    public override string ToString() => CudaDeviceId is { } id ? $"cuda:{id}" : "cpu";
}
