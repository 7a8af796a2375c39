using SkiaSharp;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Preprocessing;

public class ImageDecoderTests
{
    private static readonly ImageSize Size = new(16, 12);

    // A 1x1 GIF and a 2x2 24-bit BMP: Skia decodes both formats but cannot encode them.
    private static readonly byte[] Gif = Convert.FromBase64String("R0lGODlhAQABAIAAAP8AAAAAACH5BAAAAAAALAAAAAABAAEAAAICRAEAOw==");
    private static readonly byte[] Bmp = Convert.FromBase64String(
        "Qk1GAAAAAAAAADYAAAAoAAAAAgAAAAIAAAABABgAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAD/AP8AAAAAAP8AAP//AAA=");

    public static TheoryData<string> Formats => new() { "png", "jpeg", "webp", "gif", "bmp", "gray-png" };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_supported_format_decodes_to_the_requested_size(string format)
    {
        var bytes = format switch
        {
            "png" => TestImages.Encode(SKEncodedImageFormat.Png),
            "jpeg" => TestImages.Encode(SKEncodedImageFormat.Jpeg),
            "webp" => TestImages.Encode(SKEncodedImageFormat.Webp),
            "gif" => Gif,
            "bmp" => Bmp,
            _ => File.ReadAllBytes(Directory.GetFiles(Path.Combine(TestImages.Train, "Bag"))[0]),
        };

        using var bitmap = ImageDecoder.DecodeResized(bytes, Size);

        Assert.Equal(Size, new ImageSize(bitmap.Width, bitmap.Height));
        Assert.Equal(SKColorType.Rgba8888, bitmap.ColorType);
    }

    [Fact]
    public void A_grayscale_image_becomes_rgb_with_equal_channels()
    {
        var bytes = File.ReadAllBytes(Directory.GetFiles(Path.Combine(TestImages.Train, "Trouser"))[0]);
        using var bitmap = ImageDecoder.DecodeResized(bytes, new ImageSize(28, 28));

        var pixels = ImageDecoder.PixelBytes(bitmap);
        for (var i = 0; i < pixels.Length; i += 4)
        {
            Assert.Equal(pixels[i], pixels[i + 1]);
            Assert.Equal(pixels[i], pixels[i + 2]);
        }
    }

    [Theory]
    [InlineData(new byte[0], "empty file")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, "not a supported image format")]
    public void Bytes_that_are_not_an_image_give_a_reason(byte[] bytes, string reason)
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeResized(bytes, Size));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_truncated_image_is_reported_not_padded_with_zeros()
    {
        var jpeg = TestImages.Encode(SKEncodedImageFormat.Jpeg, 200, 200);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeResized(jpeg.AsSpan(0, jpeg.Length / 2), Size));
        Assert.Contains("truncated", error.Message);
    }
}
