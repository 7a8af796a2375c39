using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Data;

public class ImageDatasetTests
{
    [Fact]
    public void A_folder_of_class_folders_gives_one_class_per_folder_and_ignores_non_images()
    {
        using var folder = TestImages.NewFolder();
        folder.Write("cat/a.png", [1]);
        folder.Write("cat/nested/b.JPG", [1]);
        folder.Write("dog/c.webp", [1]);
        folder.Write("dog/notes.txt", [1]);

        var dataset = ImageDataset.FromFolder(folder.Path);

        Assert.Equal(["cat", "dog"], dataset.Classes);
        Assert.Equal(3, dataset.Images.Count);
        Assert.Equal(2, dataset.Images.Count(i => i.Label == "cat"));
        Assert.Equal(1, dataset.IndexOf("dog"));
        Assert.Equal(-1, dataset.IndexOf("horse"));
    }

    [Fact]
    public void Fewer_than_two_classes_is_a_clear_error()
    {
        using var folder = TestImages.NewFolder();
        folder.Write("cat/a.png", [1]);

        var error = Assert.Throws<DatasetException>(() => ImageDataset.FromFolder(folder.Path));
        Assert.Contains("at least two classes", error.Message);
        Assert.Throws<DatasetException>(() => ImageDataset.FromList([new LabeledImage("a.png", "cat")]));
    }

    [Fact]
    public void An_empty_class_folder_is_a_clear_error_naming_the_folder()
    {
        using var folder = TestImages.NewFolder();
        folder.Write("cat/a.png", [1]);
        folder.Write("dog/readme.txt", [1]);

        var error = Assert.Throws<DatasetException>(() => ImageDataset.FromFolder(folder.Path));
        Assert.Contains(Path.Combine(folder.Path, "dog"), error.Message);
    }

    [Fact]
    public void A_missing_folder_is_named_in_the_error()
    {
        var error = Assert.Throws<DatasetException>(() => ImageDataset.FromFolder("/no/such/folder"));
        Assert.Contains("/no/such/folder", error.Message);
    }

    [Fact]
    public void Sample_draws_distinct_labelled_images_reproducibly()
    {
        var dataset = ImageDataset.FromFolder(TestImages.Train);

        var sample = dataset.Sample(20, seed: 7);

        Assert.Equal(20, sample.Distinct().Count());
        Assert.All(sample, i => Assert.Equal(Path.GetFileName(Path.GetDirectoryName(i.Path)), i.Label));
        Assert.Equal(sample, dataset.Sample(20, seed: 7));
        Assert.NotEqual(sample, dataset.Sample(20, seed: 8));
    }
}
