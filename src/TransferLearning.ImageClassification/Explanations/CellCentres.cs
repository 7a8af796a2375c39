using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Explanations;

/// <summary>Where a heatmap's cell centres lie across the image, as fractions of its width and height: first +
/// j·step.</summary>
internal readonly record struct CellCentres(double FirstX, double StepX, double FirstY, double StepY)
{
    /// <summary>Evenly spread: cell j of n centred at (j + ½)/n.</summary>
    public static CellCentres Even(int width, int height) => new(0.5 / width, 1.0 / width, 0.5 / height, 1.0 / height);

    /// <summary>
    /// Each cell at the centre of its receptive field. The image is resized to the input with half-pixel centres, so a
    /// fraction of the input is the same fraction of the image.
    /// </summary>
    public static CellCentres Of(MapGrid? grid, ImageSize input, int width, int height) => grid is null
        ? Even(width, height)
        : new((grid.OffsetX + 0.5) / input.Width, grid.StrideX / input.Width, (grid.OffsetY + 0.5) / input.Height,
            grid.StrideY / input.Height);
}
