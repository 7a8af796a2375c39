using System.IO.Compression;
using SkiaSharp;
using CatsDogs.Console.Tests.Support;
using TransferLearning.ImageClassification.Tests.Support;

namespace CatsDogs.Console.Tests;

/// <summary>dataset cats-vs-dogs against a loopback server: one command from an archive to a folder train accepts.</summary>
[Collection(CliRun.Collection)]
public sealed class DatasetCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("catsdogs-dataset-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_PetImages_archive_becomes_a_training_folder_in_one_command()
    {
        var zip = Archive();
        using var server = new LoopbackServer((context, _) => LoopbackServer.ServeAsync(context, zip));
        var output = Path.Combine(_root, "datasets");

        var (code, text) = await CliRun.RunAsync("dataset", "cats-vs-dogs", "--out", output, "--url", server.Url("kagglecatsanddogs_5340.zip").ToString());
        var (trainCode, _) = await CliRun.RunAsync("train", "--data", Path.Combine(output, "cats_vs_dogs"), "--image-size", "64", "--out", Path.Combine(_root, "out"), "--cache", Path.Combine(_root, "cache"));

        Assert.True(code == 0, text);
        Assert.Contains("pinned in", text, StringComparison.Ordinal);
        Assert.Contains("1 files cannot be decoded", text, StringComparison.Ordinal);
        Assert.Equal(["cat", "dog"], Directory.GetDirectories(Path.Combine(output, "cats_vs_dogs")).Select(Path.GetFileName).Order());
        Assert.Equal(0, trainCode);
    }

    [Fact]
    public async Task A_malformed_hash_is_refused_before_any_download()
    {
        var (code, error) = await CliRun.RunCapturingErrorsAsync("dataset", "cats-vs-dogs", "--out", _root, "--sha256", "abc");

        Assert.NotEqual(0, code);
        Assert.Contains("64 hexadecimal digits", error + code, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_root, "*", SearchOption.AllDirectories));
    }

    private static byte[] Archive()
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (animal, offset) in new[] { ("Cat", 0), ("Dog", 100) })
                for (var i = 0; i < 10; i++)
                {
                    using var entry = zip.CreateEntry($"PetImages/{animal}/{i}.jpg").Open();
                    entry.Write(TestImages.Encode(SKEncodedImageFormat.Jpeg, 48, 40, seed: (byte)(offset + i * 7)));
                }
            using (var thumbs = zip.CreateEntry("PetImages/Cat/Thumbs.db").Open()) thumbs.Write([1, 2, 3]);
            zip.CreateEntry("PetImages/Dog/11702.jpg");
        }
        return memory.ToArray();
    }
}
