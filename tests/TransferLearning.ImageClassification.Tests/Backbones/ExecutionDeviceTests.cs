using Microsoft.Extensions.Logging;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Backbones;

/// <summary>GPU selection as it behaves where there is no CUDA stack: CI and these tests use ONNX Runtime's CPU build.</summary>
public class ExecutionDeviceTests
{
    private static readonly BackboneSpec ResNet18 = BackboneCatalog.ResNet18;

    [Fact]
    public void Without_fallback_an_unusable_gpu_is_an_error_that_names_what_is_missing()
    {
        var error = Assert.Throws<ExecutionDeviceException>(() => BackboneRunner.Load(ResNet18, device: ExecutionDevice.Cuda(0, fallbackToCpu: false)));

        Assert.Contains("CUDA device 0", error.Message);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", error.Message);
        Assert.Contains("resnet18", error.Message);
    }

    [Fact]
    public void With_fallback_the_cpu_runs_gives_the_same_features_and_a_warning_says_why()
    {
        var logger = new ListLogger();
        using var fallback = BackboneRunner.Load(ResNet18, device: ExecutionDevice.Cuda(1), logger: logger);
        using var cpu = BackboneRunner.Load(ResNet18);
        var image = Enumerable.Range(0, 3 * 224 * 224).Select(i => (float)(i % 251) - 125).ToArray();

        Assert.Equal(ExecutionDevice.Cpu, fallback.Device);
        Assert.Equal(cpu.Run(image, 1), fallback.Run(image, 1));
        var warning = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("CUDA device 1", warning.Message);
        Assert.Contains("CPU", warning.Message);
    }

    [Fact]
    public void The_diagnosis_lists_each_missing_piece_of_the_cuda_stack()
    {
        string[] cuda = ["CUDAExecutionProvider", "CPUExecutionProvider"];

        Assert.Null(CudaProvider.Diagnose(_ => true, cuda));
        var noCudnn = CudaProvider.Diagnose(library => library != "libcudnn.so.9", cuda)!;
        Assert.Contains("cuDNN 9 (libcudnn.so.9)", noCudnn);
        Assert.DoesNotContain("driver", noCudnn);
        var bare = CudaProvider.Diagnose(_ => false, ["CPUExecutionProvider"])!;
        foreach (var piece in new[] { "Gpu.Linux", "NVIDIA driver (libcuda.so.1)", "CUDA 13 runtime (libcudart.so.13)", "cuBLAS 13 (libcublas.so.13)", "cuDNN 9" })
            Assert.Contains(piece, bare);
    }

    [Fact]
    public void Device_ids_are_checked_and_named()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExecutionDevice.Cuda(-1));
        Assert.Equal("cuda:2", ExecutionDevice.Cuda(2).ToString());
        Assert.Equal("cpu", ExecutionDevice.Cpu.ToString());
    }
}
