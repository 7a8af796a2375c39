using System.Runtime;
using System.Runtime.InteropServices;

namespace TransferLearning.ImageClassification.FineTuning.Training;

/// <summary>
/// Gives the memory the frozen part's ONNX Runtime sessions freed back to the system before LibTorch trains: glibc keeps
/// freed heap pages (1.2–1.5 GB after the maps of 15,500 images, measured), and LibTorch's training needs about as
/// much again, so without this the process peaked at 3.2 GB instead of below 2 (docs/benchmarks.md).
/// </summary>
internal static partial class FreedMemory
{
    public static void Release()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): nothing to give back this way.
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
