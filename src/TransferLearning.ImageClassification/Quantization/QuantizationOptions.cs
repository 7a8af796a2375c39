using TransferLearning.ImageClassification.IO;
using System.Runtime.Intrinsics.X86;

namespace TransferLearning.ImageClassification.Quantization;

/// <summary>How an int8 backbone is calibrated and built. Immutable; the defaults suit ImageNet CNNs.</summary>
public sealed class QuantizationOptions
{
    /// <summary>Training images whose activations set the ranges, drawn seeded from the training part (never validation
    /// or test).</summary>
    public int CalibrationImages { get; init; } = 256;

    /// <summary>How each range is read off them.</summary>
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;

    /// <summary>With <see cref="CalibrationMethod.Percentile"/>: the share of values (in %) each range keeps, e.g.
    /// 99.999.</summary>
    public double Percentile { get; init; } = 99.999;

    /// <summary>One weight scale per output channel (on by default) instead of one per convolution.</summary>
    public bool PerChannelWeights { get; init; } = true;

    /// <summary>
    /// 7-bit weights, for x86 CPUs without VNNI, whose uint8×int8 instructions can saturate. Null (default): on
    /// exactly
    /// when the calibrating CPU is x86 without AVX-512 VNNI or AVX-VNNI. The choice is saved with the calibration, so a
    /// model keeps its weights wherever it runs: set true for a model that must give the same answers on CPUs without
    /// VNNI too (ONNX Runtime's 8-bit kernels there can saturate and answer differently).
    /// </summary>
    public bool? ReduceRange { get; init; }

    /// <summary>Whether this CPU has VNNI (AVX-512 or AVX), the instructions ONNX Runtime's int8 convolutions are fast
    /// with.</summary>
    internal static bool CpuHasVnni =>
        AvxVnni.IsSupported
        // AVX512_VNNI: CPUID leaf 7, ECX bit 11 (.NET 10 has no class for it), usable when the OS saves AVX-512 state.
        || Avx512F.IsSupported && (X86Base.CpuId(7, 0).Ecx & (1 << 11)) != 0;

    internal IReadOnlyList<string> Errors() => new OptionErrors()
        .Require(CalibrationImages >= 1, nameof(CalibrationImages), "must be at least 1", CalibrationImages)
        .Require(Percentile is > 50 and <= 100, nameof(Percentile), "must be in (50, 100]", Percentile)
        .Require(Enum.IsDefined(Method), nameof(Method), "is not a known calibration method", Method)
        .All;

    internal void Validate() => OptionErrors.ThrowIfAny(nameof(QuantizationOptions), Errors());
}
