using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Plots.Tests;

public class PreviewGridTests
{
    [Fact]
    public void Twenty_random_images_are_titled_with_label_and_size_and_broken_ones_are_passed_over()
    {
        using var folder = TestImages.NewFolder();
        TestImages.CopyAssets(folder.Combine("data"), classes: 3, perClass: 8);
        folder.Write("data/Bag/broken.png", "not an image"u8.ToArray());
        var images = ImageDataset.FromFolder(folder.Combine("data")).Images;

        var shown = PreviewGrid.Titles(images, 20, seed: 1);

        Assert.Equal(20, shown.Count);
        Assert.All(shown, s => Assert.Matches(@"^(Ankle_boot|Bag|Coat) – 28x28$", s.Title));
        Assert.Equal(shown.Select(s => s.Title), PreviewGrid.Titles(images, 20, seed: 1).Select(s => s.Title));
    }

    [Fact]
    public void A_phone_photo_is_shown_upright_as_the_classifier_sees_it()
    {
        using var folder = TestImages.NewFolder();
        // Stored 30 wide and 40 high, with EXIF orientation 6: shown turned a quarter clockwise, 40 wide and 30 high.
        folder.Write("data/Bag/phone.jpg", ExifJpeg.WithOrientation(TestImages.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 30, 40), 6));
        folder.Write("data/Coat/broken.jpg", [1, 2, 3]);

        var shown = Assert.Single(PreviewGrid.Titles(ImageDataset.FromFolder(folder.Combine("data")).Images, 20, seed: 1));

        Assert.Equal("Bag – 40x30", shown.Title);
    }

    [Fact]
    public void The_grid_saves_as_a_png_of_the_asked_size()
    {
        using var folder = TestImages.NewFolder();
        var images = ImageDataset.FromFolder(TestImages.Train).Images;

        PngAssert.IsPng(PlotFile.SavePng(PreviewGrid.Create(images), folder.Combine("preview.png"), 1000, 800), 1000, 800);
    }
}
