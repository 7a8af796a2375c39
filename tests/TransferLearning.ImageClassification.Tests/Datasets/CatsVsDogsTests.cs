using System.IO.Compression;
using System.Security.Cryptography;
using SkiaSharp;
using TransferLearning.ImageClassification.Datasets;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Datasets;

/// <summary>A PetImages-style zip on a loopback server becomes a training folder in one call.</summary>
public sealed class CatsVsDogsTests : IDisposable
{
    private readonly TempFolder _folder = TestImages.NewFolder();

    public void Dispose() => _folder.Dispose();

    /// <summary>The layout of Microsoft's archive, with what it really contains besides photos, and worse.</summary>
    private static byte[] PetImagesZip(int perClass = 4, byte seed = 0)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] bytes)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(bytes);
            }
            foreach (var animal in new[] { "Cat", "Dog" })
                for (var i = 0; i < perClass; i++)
                    Add($"PetImages/{animal}/{i}.jpg", TestImages.Encode(SKEncodedImageFormat.Jpeg, 32, 24, seed: (byte)(seed + i + (animal == "Dog" ? 50 : 0))));
            Add("PetImages/Cat/666.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4]); // corrupt JPEG
            Add("PetImages/Dog/11702.jpg", []);                                 // empty file
            Add("PetImages/Cat/Thumbs.db", [1, 2, 3]);
            Add("PetImages/Dog/Thumbs.db", [1, 2, 3]);
            Add("CDLA-Permissive-2.0.pdf", [1, 2, 3]);
            Add("PetImages/Cat/../../../escaped.jpg", TestImages.Encode(SKEncodedImageFormat.Jpeg));
            Add("../escaped-too.jpg", TestImages.Encode(SKEncodedImageFormat.Jpeg));
            zip.CreateEntry("PetImages/");
        }
        return memory.ToArray();
    }

    private DatasetDownloadOptions Options(LoopbackServer server, string? sha256 = null) =>
        new()
        {
            Directory = _folder.Combine("datasets"), Url = server.Url("kagglecatsanddogs_5340.zip"), Sha256 = sha256,
            Download = new() { RetryDelay = TimeSpan.FromMilliseconds(10) },
        };

    [Fact]
    public async Task The_archive_becomes_a_cat_and_a_dog_folder_with_every_left_out_file_and_unreadable_image_listed()
    {
        var zip = PetImagesZip();
        using var server = new LoopbackServer((context, _) => LoopbackServer.ServeAsync(context, zip));

        var result = await CatsVsDogs.DownloadAsync(Options(server));

        Assert.Equal(_folder.Combine("datasets", "cats_vs_dogs"), result.Folder);
        Assert.Equal(new Dictionary<string, int> { ["cat"] = 5, ["dog"] = 5 }, result.ImagesPerClass);
        Assert.Equal(["cat/666.jpg", "dog/11702.jpg"], result.Undecodable.Select(s => s.Path));
        Assert.Equal(5, result.LeftOut.Count); // two Thumbs.db, the licence, two escapes
        Assert.Equal(2, result.LeftOut.Count(s => s.Reason.StartsWith("refused", StringComparison.Ordinal)));
        Assert.Empty(Directory.GetFiles(_folder.Path, "escaped*", SearchOption.AllDirectories));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(zip)), result.Sha256);
        Assert.True(result.PinnedNow);
        Assert.Contains(result.Sha256, File.ReadAllText(result.LockFile), StringComparison.Ordinal);
        var dataset = ImageClassification.Data.ImageDataset.FromFolder(result.Folder);
        Assert.Equal(["cat", "dog"], dataset.Classes);
    }

    [Fact]
    public async Task A_second_run_downloads_nothing_and_a_changed_archive_is_refused_against_the_pinned_hash()
    {
        var (zip, other) = (PetImagesZip(), PetImagesZip(seed: 9));
        var serveOther = false;
        using var server = new LoopbackServer((context, _) => LoopbackServer.ServeAsync(context, serveOther ? other : zip));
        var first = await CatsVsDogs.DownloadAsync(Options(server));
        var requests = server.Requests;

        var again = await CatsVsDogs.DownloadAsync(Options(server));
        Assert.Equal(requests, server.Requests);
        Assert.False(again.PinnedNow);
        Assert.Equal(first.Sha256, again.Sha256);

        File.Delete(first.Archive);
        serveOther = true;
        var error = await Assert.ThrowsAsync<DownloadException>(() => CatsVsDogs.DownloadAsync(Options(server)));
        Assert.Contains(first.Sha256, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(first.Archive));
    }

    [Fact]
    public async Task A_mirror_with_a_given_hash_must_match_it()
    {
        var zip = PetImagesZip();
        using var server = new LoopbackServer((context, _) => LoopbackServer.ServeAsync(context, zip));

        var error = await Assert.ThrowsAsync<DownloadException>(() => CatsVsDogs.DownloadAsync(Options(server, sha256: new string('0', 64))));

        Assert.Contains("expected 0000", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.Combine("datasets", "cats_vs_dogs")));
    }

    [Fact]
    public async Task A_dropped_connection_is_resumed()
    {
        var zip = PetImagesZip();
        using var server = new LoopbackServer((context, number) => LoopbackServer.ServeAsync(context, zip, stopAfter: number == 1 ? zip.Length / 2 : null));

        var result = await CatsVsDogs.DownloadAsync(Options(server));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(zip)), result.Sha256);
        Assert.Contains(server.RangeHeaders, h => h.StartsWith("bytes=", StringComparison.Ordinal));
    }
}
