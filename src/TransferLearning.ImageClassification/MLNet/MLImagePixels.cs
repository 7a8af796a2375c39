using Microsoft.ML.Data;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.MLNet;

/// <summary>ML.NET's decoded <see cref="MLImage"/> as the RGBA pixels the library resizes itself.</summary>
internal static class MLImagePixels
{
    /// <summary>A copy of <paramref name="image"/>'s pixels in RGBA order (ML.NET keeps BGRA or RGBA).</summary>
    /// <exception cref="ImageDecodeException">The image's pixels are not 4 bytes each, row after row.</exception>
    public static RgbaPixels ToRgba(MLImage image)
    {
        var pixels = image.Pixels.ToArray();
        if (pixels.Length != (long)image.Width * image.Height * 4)
            throw new ImageDecodeException(
                $"the {image.Width}x{image.Height} image holds {pixels.Length} bytes of pixels, not 4 per pixel");
        if (image.PixelFormat == MLPixelFormat.Bgra32)
            for (var i = 0; i < pixels.Length; i += 4) (pixels[i], pixels[i + 2]) = (pixels[i + 2], pixels[i]);
        return new RgbaPixels(pixels, image.Width, image.Height);
    }
}
