using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>Checks for, and turns on, ONNX Runtime's CUDA execution provider.</summary>
internal static class CudaProvider
{
    /// <summary>Native libraries the CUDA 13 build of ONNX Runtime 1.32 loads, and what a user installs to get
    /// each.</summary>
    private static readonly (string Library, string Provides)[] Requirements =
    [
        ("libcuda.so.1", "the NVIDIA driver"),
        ("libcudart.so.13", "the CUDA 13 runtime"),
        ("libcublas.so.13", "cuBLAS 13"),
        ("libcublasLt.so.13", "cuBLASLt 13"),
        ("libcudnn.so.9", "cuDNN 9"),
    ];

    /// <summary>What stops CUDA from working here, or null when nothing visible does.</summary>
    public static string? Diagnose(Func<string, bool>? canLoad = null, IReadOnlyList<string>? providers = null)
    {
        canLoad ??= library => NativeLibrary.TryLoad(library, out _);
        providers ??= OrtEnv.Instance().GetAvailableProviders();
        var missing = new List<string>();
        if (!providers.Contains("CUDAExecutionProvider"))
            missing.Add(
                "ONNX Runtime's CUDA execution provider (this app ships the CPU build: reference " +
                "Microsoft.ML.OnnxRuntime.Gpu.Linux 1.32.0 instead of Microsoft.ML.OnnxRuntime, e.g. build with " +
                "-p:OnnxRuntimeFlavor=Gpu)");
        missing.AddRange(Requirements.Where(r => !canLoad(r.Library)).Select(r => $"{r.Provides} ({r.Library})"));
        return missing.Count == 0 ? null : "missing " + string.Join("; ", missing);
    }

    /// <summary>Adds the CUDA provider with the options that matter for convolution networks.</summary>
    public static void Append(SessionOptions options, int deviceId)
    {
        using var cuda = new OrtCUDAProviderOptions();
        cuda.UpdateOptions(new Dictionary<string, string>
        {
            ["device_id"] = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["cudnn_conv_algo_search"] = "EXHAUSTIVE", // benchmark cuDNN algorithms once per shape
            ["use_tf32"] = "1",                       // TF32 tensor cores for fp32 convolutions and matmuls
            ["prefer_nhwc"] = "1",                    // channels-last kernels, as PyTorch's channels_last
        });
        options.AppendExecutionProvider_CUDA(cuda);
    }
}
