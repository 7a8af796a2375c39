using System.Diagnostics.CodeAnalysis;
using System.Text;
using TorchSharp;

namespace TransferLearning.ImageClassification.FineTuning;

/// <summary>Whether LibTorch, which fine-tuning trains with, can load in this process, and if not, exactly
/// why.</summary>
public static class LibTorch
{
    private const string NeededGlibcxx = "GLIBCXX_3.4.32";

    private static readonly Lazy<string?> Missing = new(Load);

    /// <summary>
    /// Loads LibTorch's CPU backend (once per process). False, with the reason, when the app has no LibTorch native
    /// library beside it (it references no LibTorch native package), or (Linux) when the system's C++ library is older
    /// than TorchSharp's glue needs: then the reason names the <c>GLIBCXX</c> version and the distributions that have
    /// it, not TorchSharp's own message (which blames a missing package reference in both cases).
    /// </summary>
    /// <param name="reason">Why LibTorch cannot load and how to get it; null when it loads.</param>
    public static bool IsAvailable([NotNullWhen(false)] out string? reason)
    {
        reason = Missing.Value;
        return reason is null;
    }

    private static string? Load()
    {
        // Checked before TorchSharp tries: where it cannot load, TorchSharp prints a long trace and copies LibTorch
        // (about 480 MB) out of the NuGet cache into the app's folder.
        if (OperatingSystem.IsLinux() && NewestGlibcxx() is { } newest
            && string.CompareOrdinal(Version(newest), Version(NeededGlibcxx)) < 0)
            return "LibTorch cannot load: TorchSharp's native glue (libLibTorchSharp.so) needs GCC 13's C++ library " +
                $"({NeededGlibcxx}), which distributions with glibc 2.38 or later have (Ubuntu 24.04, Debian 13, " +
                $"Fedora 39 and later); this system's libstdc++ goes up to {newest}. Run fine-tuning on such a " +
                "system, or in a container of one; everything after training runs on ONNX Runtime alone, here too.";
        string[] natives = ["libtorch_cpu.so", "torch_cpu.dll", "libtorch_cpu.dylib"];
        if (!natives.Any(name => Directory.EnumerateFiles(AppContext.BaseDirectory, name, SearchOption.AllDirectories)
                .Any()))
            return $"LibTorch cannot load: there is no LibTorch native library ({string.Join(", ", natives)}) in " +
                $"'{AppContext.BaseDirectory}'. {ReferenceAdvice}";
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"LibTorch cannot load: {ReferenceAdvice} TorchSharp said: " +
                (e.InnerException?.Message ?? e.Message).Split("Trace from")[0].ReplaceLineEndings(" ").Trim();
        }
    }

    private const string ReferenceAdvice = "Reference one of LibTorch's native packages, version 2.10.0 " +
        "(libtorch-cpu-linux-x64, libtorch-cpu-win-x64, libtorch-cpu-osx-arm64, or TorchSharp-cpu for all three), or a " +
        "CUDA build.";

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
