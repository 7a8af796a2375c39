using SkiaSharp;

namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>
/// Turns pixels stored in a camera's orientation upright, as the EXIF orientation tag says: phone photos are stored
/// as the sensor saw them, and people expect them classified as they see them. SkiaSharp's codec reports the tag
/// (<see cref="SKCodec.EncodedOrigin"/>) but does not apply it.
/// </summary>
internal static class ExifOrientation
{
    /// <summary>Whether the upright image has width and height swapped (the four 90° orientations).</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom
            or SKEncodedOrigin.LeftBottom;

    /// <summary>The upright image; <paramref name="stored"/> itself when it already is, otherwise a new bitmap (and
    /// <paramref name="stored"/> is disposed).</summary>
    public static SKBitmap Apply(SKBitmap stored, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft || !Enum.IsDefined(origin)) return stored;
        using (stored)
        {
            var (width, height) = (stored.Width, stored.Height);
            var swap = SwapsAxes(origin);
            var upright = new SKBitmap(
                new SKImageInfo(swap ? height : width, swap ? width : height, stored.ColorType, stored.AlphaType));
            var from = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(ImageDecoder.PixelBytes(stored));
            var to = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(
                ImageDecoder.MutablePixelBytes(upright));
            var uprightWidth = upright.Width;
            for (var y = 0; y < upright.Height; y++)
                for (var x = 0; x < uprightWidth; x++)
                {
                    // Where upright pixel (x, y) is stored, for each of the EXIF orientations 2 to 8.
                    var (sx, sy) = origin switch
                    {
                        SKEncodedOrigin.TopRight => (width - 1 - x, y),              // 2: mirrored left to right
                        SKEncodedOrigin.BottomRight => (width - 1 - x, height - 1 - y), // 3: turned 180°
                        SKEncodedOrigin.BottomLeft => (x, height - 1 - y),           // 4: mirrored top to bottom
                        SKEncodedOrigin.LeftTop => (y, x),                           // 5: transposed
                        SKEncodedOrigin.RightTop => (y, height - 1 - x),             // 6: shown turned 90° clockwise
                        SKEncodedOrigin.RightBottom => (width - 1 - y, height - 1 - x), // 7: transversed
                        _ => (width - 1
                            - y, x),                                     // 8: shown turned 90° anticlockwise
                    };
                    to[y * uprightWidth + x] = from[sy * width + sx];
                }
            return upright;
        }
    }
}
