using System.Buffers.Binary;
using CsCheck;
using SkiaSharp;

namespace TransferLearning.ImageClassification.Tests.Support;

/// <summary>
/// Seeded mutants of valid files, as a fuzzer makes them: flipped bytes, truncations, spliced chunks and header
/// dimensions set to huge values. CsCheck draws them; a failure prints the seed that replays it.
/// </summary>
internal static class Mutations
{
    /// <summary>Valid JPEG, PNG (colour and grey), GIF, WebP and BMP files to mutate.</summary>
    public static IReadOnlyList<byte[]> ImageSeeds { get; } =
    [
        TestImages.Encode(SKEncodedImageFormat.Jpeg, 64, 48),
        TestImages.Encode(SKEncodedImageFormat.Png, 40, 30),
        TestImages.Encode(SKEncodedImageFormat.Png, 20, 20, SKColorType.Gray8),
        TestImages.Encode(SKEncodedImageFormat.Webp, 48, 32),
        TestImages.Gif,
        TestImages.Bmp,
    ];

    /// <summary>
    /// Iterations for a CI run: <paramref name="perRun"/>, unless <c>CsCheck_Iter</c> or <c>CsCheck_Time</c> is set
    /// (a nightly run: <c>CsCheck_Time=3600 dotnet test --filter FullyQualifiedName~Fuzz</c>), which then decides.
    /// </summary>
    public static long Iterations(long perRun) =>
        Environment.GetEnvironmentVariable("CsCheck_Iter") is null && Environment.GetEnvironmentVariable("CsCheck_Time") is null ? perRun : -1;

    /// <summary>A mutant of one of <paramref name="seeds"/>.</summary>
    public static Gen<byte[]> Of(IReadOnlyList<byte[]> seeds) =>
        Gen.Int[0, seeds.Count - 1].SelectMany(s => Gen.OneOf(FlipBytes(seeds[s]), Truncate(seeds[s]), Splice(seeds[s]), HugeDimensions(seeds[s])));

    private static Gen<byte[]> FlipBytes(byte[] seed) =>
        Gen.Select(Gen.Int[0, seed.Length - 1].Array[1, 8], Gen.Byte[1, 255], (positions, mask) =>
        {
            var mutant = seed.ToArray();
            foreach (var p in positions) mutant[p] ^= mask;
            return mutant;
        });

    private static Gen<byte[]> Truncate(byte[] seed) => Gen.Int[0, seed.Length - 1].Select(length => seed[..length]);

    /// <summary>A chunk of the file copied in somewhere else: repeated markers, chunks out of order.</summary>
    private static Gen<byte[]> Splice(byte[] seed) =>
        Gen.Select(Gen.Int[0, seed.Length - 1], Gen.Int[1, Math.Min(64, seed.Length)], Gen.Int[0, seed.Length], (from, length, to) =>
        {
            var chunk = seed.AsSpan(from, Math.Min(length, seed.Length - from));
            return (byte[])[.. seed.AsSpan(0, to), .. chunk, .. seed.AsSpan(to)];
        });

    /// <summary>The width and height fields of the format's header (or, for others, 4 bytes near the start) set to a huge value.</summary>
    private static Gen<byte[]> HugeDimensions(byte[] seed) =>
        Gen.Select(Gen.OneOf(0xFFFF, 60000, 0x7FFF_FFFF, -1), Gen.Int[0, Math.Max(0, Math.Min(60, seed.Length - 4))], (value, fallback) =>
        {
            var mutant = seed.ToArray();
            if (mutant[..4] is [0x89, (byte)'P', (byte)'N', (byte)'G'])
            {
                BinaryPrimitives.WriteInt32BigEndian(mutant.AsSpan(16), value);
                BinaryPrimitives.WriteInt32BigEndian(mutant.AsSpan(20), value);
            }
            else if (mutant[..2] is [0xFF, 0xD8] && SofAt(mutant) is { } sof)
            {
                BinaryPrimitives.WriteUInt16BigEndian(mutant.AsSpan(sof + 5), (ushort)value);
                BinaryPrimitives.WriteUInt16BigEndian(mutant.AsSpan(sof + 7), (ushort)value);
            }
            else if (mutant[..3] is [(byte)'G', (byte)'I', (byte)'F'])
            {
                BinaryPrimitives.WriteUInt16LittleEndian(mutant.AsSpan(6), (ushort)value);
                BinaryPrimitives.WriteUInt16LittleEndian(mutant.AsSpan(8), (ushort)value);
            }
            else if (mutant[..2] is [(byte)'B', (byte)'M'])
            {
                BinaryPrimitives.WriteInt32LittleEndian(mutant.AsSpan(18), value);
                BinaryPrimitives.WriteInt32LittleEndian(mutant.AsSpan(22), value);
            }
            else
            {
                BinaryPrimitives.WriteInt32LittleEndian(mutant.AsSpan(fallback), value);
            }
            return mutant;
        });

    private static int? SofAt(byte[] jpeg)
    {
        for (var i = 2; i + 9 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC2) return i;
        return null;
    }
}
