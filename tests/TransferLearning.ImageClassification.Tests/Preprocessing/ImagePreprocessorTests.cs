using SkiaSharp;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Preprocessing;

public class ImagePreprocessorTests
{
    private static readonly ImageSize Size = new(40, 30);

    private static float[] Write(PixelNormalization normalization, TensorLayout layout, byte[] image, bool mirrored = false)
    {
        var preprocessor = new ImagePreprocessor(Size, layout, normalization);
        var tensor = new float[preprocessor.TensorLength];
        var mirror = new float[preprocessor.TensorLength];
        preprocessor.Write(image, tensor, mirrored ? mirror : default);
        return mirrored ? mirror : tensor;
    }

    [Fact]
    public void Caffe_normalisation_gives_bgr_planes_minus_the_mean()
    {
        var image = TestImages.Encode(SKEncodedImageFormat.Png, Size.Width, Size.Height, seed: 10);
        using var bitmap = SKBitmap.Decode(image);
        var pixel = bitmap.GetPixel(3, 2);

        var tensor = Write(PixelNormalization.Caffe(100, 110, 120), TensorLayout.Nchw, image);

        var at = 2 * Size.Width + 3;
        Assert.Equal(pixel.Blue - 100f, tensor[at]);
        Assert.Equal(pixel.Green - 110f, tensor[Size.Area + at]);
        Assert.Equal(pixel.Red - 120f, tensor[2 * Size.Area + at]);
    }

    [Fact]
    public void Torch_normalisation_in_channels_last_layout()
    {
        var image = TestImages.Encode(SKEncodedImageFormat.Png, Size.Width, Size.Height, seed: 10);
        using var bitmap = SKBitmap.Decode(image);
        var pixel = bitmap.GetPixel(5, 1);

        var tensor = Write(PixelNormalization.Torch, TensorLayout.Nhwc, image);

        var at = (1 * Size.Width + 5) * 3;
        Assert.Equal((pixel.Red / 255f - 0.485f) / 0.229f, tensor[at], 5);
        Assert.Equal((pixel.Green / 255f - 0.456f) / 0.224f, tensor[at + 1], 5);
        Assert.Equal((pixel.Blue / 255f - 0.406f) / 0.225f, tensor[at + 2], 5);
    }

    [Fact]
    public void The_mirror_view_is_the_image_flipped_left_to_right()
    {
        var image = TestImages.Encode(SKEncodedImageFormat.Png, Size.Width, Size.Height, seed: 10);

        var tensor = Write(PixelNormalization.TensorFlow, TensorLayout.Nchw, image);
        var mirrored = Write(PixelNormalization.TensorFlow, TensorLayout.Nchw, image, mirrored: true);

        for (var plane = 0; plane < 3; plane++)
            for (var y = 0; y < Size.Height; y++)
                for (var x = 0; x < Size.Width; x++)
                    Assert.Equal(tensor[plane * Size.Area + y * Size.Width + x], mirrored[plane * Size.Area + y * Size.Width + Size.Width - 1 - x]);
    }

    [Fact]
    public void Fingerprints_differ_when_the_tensor_would()
    {
        Assert.NotEqual(PixelNormalization.Torch.Fingerprint, PixelNormalization.TensorFlow.Fingerprint);
        Assert.NotEqual(PixelNormalization.Caffe(1, 2, 3).Fingerprint, PixelNormalization.Caffe(1, 2, 4).Fingerprint);
        Assert.Equal(PixelNormalization.Caffe(1, 2, 3).Fingerprint, PixelNormalization.Caffe(1, 2, 3).Fingerprint);
    }
}
