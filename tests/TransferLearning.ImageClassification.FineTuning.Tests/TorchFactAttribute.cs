using TransferLearning.ImageClassification.FineTuning;

namespace TransferLearning.ImageClassification.FineTuning.Tests;

/// <summary>A test that needs LibTorch: skipped, with the reason <see cref="LibTorch.IsAvailable"/> gives, where it
/// cannot load (these Debian 12 machines: its glue needs GLIBCXX_3.4.32); never passed without running.</summary>
public sealed class TorchFactAttribute : FactAttribute
{
    public TorchFactAttribute()
    {
        if (!LibTorch.IsAvailable(out var reason)) Skip = reason;
    }
}
