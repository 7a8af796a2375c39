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

    [Fact]
    public void A_symbolic_link_loop_inside_a_class_folder_is_passed_over_with_a_warning()
    {
        using var folder = TestImages.NewFolder();
        TestImages.CopyAssets(folder.Path, classes: 3, perClass: 8);
        var loop = folder.Combine("Bag", "loop");
        Directory.CreateSymbolicLink(loop, "..");

        var dataset = ImageDataset.FromFolder(folder.Path);

        Assert.Equal(24, dataset.Images.Count);
        Assert.All(dataset.Images, i => Assert.DoesNotContain("loop", i.Path));
        Assert.Contains(dataset.Warnings, w => w.Contains(loop) && w.Contains("symbolic link"));
    }

    [Fact]
    public void A_class_folder_may_be_a_link_to_a_folder_elsewhere_but_not_back_into_the_data()
    {
        using var folder = TestImages.NewFolder();
        using var elsewhere = TestImages.NewFolder();
        TestImages.CopyAssets(folder.Path, classes: 2, perClass: 5);
        TestImages.CopyAssets(elsewhere.Path, classes: 3, perClass: 5);
        Directory.CreateSymbolicLink(folder.Combine("Coat"), elsewhere.Combine("Coat"));
        Directory.CreateSymbolicLink(folder.Combine("Mirror"), folder.Path);

        var dataset = ImageDataset.FromFolder(folder.Path);

        Assert.Equal(["Ankle_boot", "Bag", "Coat"], dataset.Classes);
        Assert.Equal(15, dataset.Images.Count);
        Assert.Contains(dataset.Warnings, w => w.Contains(folder.Combine("Mirror")) && w.Contains("into the image folder itself"));
    }
}
