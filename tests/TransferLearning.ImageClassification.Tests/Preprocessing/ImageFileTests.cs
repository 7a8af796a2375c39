using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Preprocessing;

public class ImageFileTests
{
    [Fact]
    public async Task A_file_over_the_size_limit_is_refused_without_being_read()
    {
        using var folder = TestImages.NewFolder();
        var path = folder.Combine("huge.jpg");
        await using (var file = File.Create(path)) file.SetLength(300L << 20); // sparse: no disk, no reading

        var error = await Assert.ThrowsAsync<ImageDecodeException>(() => ImageFile.ReadAsync(path, ImageLimits.Default, CancellationToken.None));

        Assert.Contains("300 MiB, over the 256 MiB limit (ImageLimits.MaxFileBytes)", error.Message);
    }

    [Fact]
    public async Task A_stream_is_read_only_up_to_the_limit()
    {
        var stream = new EndlessStream();

        await Assert.ThrowsAsync<ImageDecodeException>(() => ImageFile.ReadAsync(stream, new ImageLimits { MaxFileBytes = 1 << 20 }, CancellationToken.None));

        Assert.InRange(stream.Position, 1 << 20, (1 << 20) + 81920);
    }

    [Fact]
    public async Task A_file_within_the_limit_is_read_whole()
    {
        using var folder = TestImages.NewFolder();
        var path = folder.Write("small.png", [1, 2, 3]);

        Assert.Equal([1, 2, 3], await ImageFile.ReadAsync(path, ImageLimits.Default, CancellationToken.None));
    }
}
