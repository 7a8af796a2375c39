using System.Diagnostics.CodeAnalysis;
using System.Text;
using TorchSharp;

namespace TransferLearning.ImageClassification.FineTuning;

/// <summary>Whether LibTorch, which fine-tuning trains with, can load in this process, and if not, exactly
/// why.</summary>
public static class LibTorch
{
    private const string NeededGlibcxx = "GLIBCXX_3.4.32";

    /// <summary>
    /// Loads LibTorch's CPU backend. False, with the reason, when the app references no LibTorch native package, or
    /// (Linux) when the system's C++ library is older than TorchSharp's glue needs: then the reason names the
    /// <c>GLIBCXX</c> version and the distributions that have it, not TorchSharp's own message (which blames a missing
    /// package reference in both cases).
    /// </summary>
    /// <param name="reason">Why LibTorch cannot load and how to get it; null when it loads.</param>
    public static bool IsAvailable([NotNullWhen(false)] out string? reason)
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            reason = null;
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            reason = Diagnose(e);
            return false;
        }
    }

    private static string Diagnose(Exception error)
    {
        var glue = Directory.EnumerateFiles(
            AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).Any();
        if (OperatingSystem.IsLinux() && glue && NewestGlibcxx() is { } newest
            && string.CompareOrdinal(Version(newest), Version(NeededGlibcxx)) < 0)
            return "LibTorch cannot load: TorchSharp's native glue (libLibTorchSharp.so) needs GCC 13's C++ library " +
                $"({NeededGlibcxx}), which distributions with glibc 2.38 or later have (Ubuntu 24.04, Debian 13, " +
                $"Fedora 39 and later); this system's libstdc++ goes up to {newest}. Run fine-tuning on such a " +
                "system, or in a container of one; everything after training runs on ONNX Runtime alone, here too.";
        return "LibTorch cannot load: reference one of its native packages, version 2.10.0 (libtorch-cpu-linux-x64, " +
            "libtorch-cpu-win-x64, libtorch-cpu-osx-arm64, or TorchSharp-cpu for all three), or a CUDA build. " +
            $"TorchSharp said: {error.InnerException?.Message ?? error.Message}".ReplaceLineEndings(" ");
    }

    /// <summary>The newest GLIBCXX_3.4.N version the system's libstdc++ provides, or null when none is found.</summary>
    private static string? NewestGlibcxx()
    {
        string[] places =
        [
            "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64",
            "/usr/lib",
        ];
        var library = places.Select(p => Path.Combine(p, "libstdc++.so.6")).FirstOrDefault(File.Exists);
        if (library is null) return null;
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(library));
        return System.Text.RegularExpressions.Regex.Matches(text, @"GLIBCXX_3\.4\.\d+").Select(m => m.Value)
            .MaxBy(Version);
    }

    /// <summary>"GLIBCXX_3.4.N" as a string that sorts by N.</summary>
    private static string Version(string glibcxx) => glibcxx[(glibcxx.LastIndexOf('.') + 1)..].PadLeft(4, '0');
}
