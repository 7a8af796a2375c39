namespace TransferLearning.ImageClassification.FineTuning.Tests;

public class LibTorchTests
{
    [Fact]
    public void Where_libtorch_cannot_load_the_reason_names_what_is_missing_and_where_to_get_it()
    {
        var available = LibTorch.IsAvailable(out var reason);

        if (available) Assert.Null(reason);
        else if (OperatingSystem.IsLinux())
            // This project references libtorch-cpu-linux-x64, so on Linux only an old C++ library stops it.
            Assert.Matches(@"needs GCC 13's C\+\+ library \(GLIBCXX_3\.4\.32\).*Debian 13.*goes up to GLIBCXX_3\.4\.\d+", reason);
        else Assert.Contains("libtorch-cpu", reason);
    }
}
