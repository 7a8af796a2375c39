using CsCheck;
using SkiaSharp;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Preprocessing;

/// <summary>Every CI run feeds a few hundred fresh mutants through the decoder; a longer run is in docs/fuzzing.md.</summary>
public class ImageDecoderFuzzTests
{
    private static readonly ImageSize Size = new(32, 32);

    [Fact]
    public void A_mutant_image_becomes_pixels_at_the_requested_size_or_is_refused_with_a_reason_and_never_past_the_pixel_limit()
    {
        Mutations.Of(Mutations.ImageSeeds).Sample(bytes =>
        {
            var claimed = ClaimedPixels(bytes);
            try
            {
                var resized = new float[ImagePreprocessor.ResizedLengthAt(Size)];
                ImagePreprocessor.DecodeResized(bytes, Size, ImageLimits.Default, resized);
                // Weights that sum to 1 in float rounding: 255.00002 is as close as ONNX Runtime's Resize gets too.
                Assert.All(resized, v => Assert.InRange(v, -1e-3f, 255.001f));
                Assert.True(claimed <= ImageLimits.Default.MaxPixels, $"decoded an image claiming {claimed} pixels");
            }
            catch (ImageDecodeException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                if (claimed > ImageLimits.Default.MaxPixels) Assert.Contains("ImageLimits.MaxPixels", e.Message);
            }
        }, iter: Mutations.Iterations(600));
    }

    private static long ClaimedPixels(byte[] bytes)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(bytes));
        return codec is null ? 0 : (long)codec.Info.Width * codec.Info.Height;
    }
}
