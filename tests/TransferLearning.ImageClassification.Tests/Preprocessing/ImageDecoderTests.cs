using SkiaSharp;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Preprocessing;

public class ImageDecoderTests
{
    private static readonly ImageSize Size = new(16, 12);

    public static TheoryData<string> Formats => new() { "png", "jpeg", "webp", "gif", "bmp", "gray-png" };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_supported_format_decodes_to_rgba_at_its_own_size(string format)
    {
        var bytes = format switch
        {
            "png" => TestImages.Encode(SKEncodedImageFormat.Png),
            "jpeg" => TestImages.Encode(SKEncodedImageFormat.Jpeg),
            "webp" => TestImages.Encode(SKEncodedImageFormat.Webp),
            "gif" => TestImages.Gif,
            "bmp" => TestImages.Bmp,
            _ => File.ReadAllBytes(Directory.GetFiles(Path.Combine(TestImages.Train, "Bag"))[0]),
        };

        using var bitmap = ImageDecoder.Decode(bytes, new ImageSize(224, 224)); // too small to decode a JPEG scaled down

        using var codec = SKCodec.Create(new SKMemoryStream(bytes));
        Assert.Equal((codec.Info.Width, codec.Info.Height), (bitmap.Width, bitmap.Height));
        Assert.Equal(SKColorType.Rgba8888, bitmap.ColorType);
    }

    [Fact]
    public void A_grayscale_image_becomes_rgb_with_equal_channels()
    {
        var bytes = File.ReadAllBytes(Directory.GetFiles(Path.Combine(TestImages.Train, "Trouser"))[0]);
        using var bitmap = ImageDecoder.Decode(bytes, new ImageSize(28, 28));

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
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes, Size));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_truncated_image_is_reported_not_padded_with_zeros()
    {
        var jpeg = TestImages.Encode(SKEncodedImageFormat.Jpeg, 200, 200);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg.AsSpan(0, jpeg.Length / 2), Size));
        Assert.Contains("truncated", error.Message);
    }

    public static TheoryData<string, int, int> HeadersOverThePixelLimit => new()
    {
        { "png", 60000, 60000 },
        { "png", 20000, 20000 },
        { "jpeg", 60000, 60000 },
    };

    [Theory]
    [MemberData(nameof(HeadersOverThePixelLimit))]
    public void A_header_over_the_pixel_limit_is_refused_before_any_pixel_is_allocated(string format, int width, int height)
    {
        var bytes = format == "png" ? HostileImages.PngClaiming(width, height) : HostileImages.JpegClaiming(width, height);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes, Size));

        Assert.Contains($"{width}x{height}", error.Message);
        Assert.Contains("ImageLimits.MaxPixels", error.Message);
    }

    [Theory]
    [InlineData("png", int.MaxValue, int.MaxValue)]
    [InlineData("jpeg", 65535, 65535)]
    public void A_header_past_what_the_codec_allows_is_a_reason_too(string format, int width, int height)
    {
        var bytes = format == "png" ? HostileImages.PngClaiming(width, height) : HostileImages.JpegClaiming(width, height);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes, Size));

        Assert.Contains("not a supported image format", error.Message);
    }

    [Fact]
    public void The_pixel_limit_is_an_option()
    {
        var png = TestImages.Encode(SKEncodedImageFormat.Png, 40, 30);

        Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, Size, new ImageLimits { MaxPixels = 40 * 30 - 1 }));
        using var bitmap = ImageDecoder.Decode(png, Size, new ImageLimits { MaxPixels = 40 * 30 });
        Assert.Equal(40, bitmap.Width);
    }

    [Theory]
    [InlineData(100_000, 1)]
    [InlineData(1, 70_000)]
    public void A_strip_under_the_pixel_limit_but_over_the_side_limit_is_refused_before_decoding(int width, int height)
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(HostileImages.PngClaiming(width, height), Size));

        Assert.Contains($"{width}x{height} has a side over 65535 pixels", error.Message);
    }

    [Fact]
    public void A_header_that_fits_but_pixel_data_that_does_not_is_a_reason_not_a_crash()
    {
        // 4000x4000 claimed (16 Mpx, under the limit, above the size that decodes one at a time) with 16 bytes of data.
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(HostileImages.PngClaiming(4100, 4100), Size));

        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_large_real_png_under_the_limit_decodes_whole_with_its_colours()
    {
        using var source = new SKBitmap(4200, 4000);
        source.Erase(new SKColor(200, 40, 90));
        using var encoded = source.Encode(SKEncodedImageFormat.Png, 100);

        using var bitmap = ImageDecoder.Decode(encoded.ToArray(), new ImageSize(224, 224));

        Assert.Equal((4200, 4000), (bitmap.Width, bitmap.Height));
        Assert.Equal(new SKColor(200, 40, 90), bitmap.GetPixel(4100, 3900));
    }

    [Fact]
    public void Bytes_over_the_file_limit_are_refused_without_decoding()
    {
        var png = TestImages.Encode(SKEncodedImageFormat.Png);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, Size, new ImageLimits { MaxFileBytes = png.Length - 1 }));

        Assert.Contains("MaxFileBytes", error.Message);
    }

    [Theory]
    [InlineData(2000, 1500, 750, 563)] // 3/8; 2/8 would leave 375 rows, under twice 224
    [InlineData(4000, 3000, 1000, 750)]
    [InlineData(600, 400, 600, 400)]    // no DCT scale keeps twice the target: decoded whole
    public void A_large_jpeg_decodes_at_the_smallest_dct_scale_that_keeps_twice_the_target(int width, int height, int decodedWidth, int decodedHeight)
    {
        var jpeg = TestImages.Encode(SKEncodedImageFormat.Jpeg, width, height);

        using var bitmap = ImageDecoder.Decode(jpeg, new ImageSize(224, 224));

        Assert.Equal((decodedWidth, decodedHeight), (bitmap.Width, bitmap.Height));
    }

    public static TheoryData<int, SKColor[]> Orientations => new()
    {
        // The stored image's quadrants (top left, top right, bottom left, bottom right) for an upright picture whose
        // quadrants are red, green, blue, white, as cameras store it for each EXIF orientation.
        { 1, [SKColors.Red, SKColors.Lime, SKColors.Blue, SKColors.White] },
        { 2, [SKColors.Lime, SKColors.Red, SKColors.White, SKColors.Blue] },
        { 3, [SKColors.White, SKColors.Blue, SKColors.Lime, SKColors.Red] },
        { 6, [SKColors.Lime, SKColors.White, SKColors.Red, SKColors.Blue] },
        { 8, [SKColors.Blue, SKColors.Red, SKColors.White, SKColors.Lime] },
    };

    [Theory]
    [MemberData(nameof(Orientations))]
    public void A_photo_with_an_exif_orientation_decodes_upright(int orientation, SKColor[] storedQuadrants)
    {
        var turned = orientation is 6 or 8;
        var jpeg = ExifJpeg.WithOrientation(Quadrants(turned ? 32 : 64, turned ? 64 : 32, storedQuadrants), orientation);

        using var bitmap = ImageDecoder.Decode(jpeg, new ImageSize(224, 224));

        Assert.Equal((64, 32), (bitmap.Width, bitmap.Height));
        AssertNear(SKColors.Red, bitmap.GetPixel(16, 8));
        AssertNear(SKColors.Lime, bitmap.GetPixel(48, 8));
        AssertNear(SKColors.Blue, bitmap.GetPixel(16, 24));
        AssertNear(SKColors.White, bitmap.GetPixel(48, 24));
    }

    private static byte[] Quadrants(int width, int height, SKColor[] colours)
    {
        using var bitmap = new SKBitmap(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++) bitmap.SetPixel(x, y, colours[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)]);
        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        return jpeg.ToArray();
    }

    private static void AssertNear(SKColor expected, SKColor actual)
    {
        Assert.InRange(Math.Abs(expected.Red - actual.Red), 0, 40);
        Assert.InRange(Math.Abs(expected.Green - actual.Green), 0, 40);
        Assert.InRange(Math.Abs(expected.Blue - actual.Blue), 0, 40);
    }
}
