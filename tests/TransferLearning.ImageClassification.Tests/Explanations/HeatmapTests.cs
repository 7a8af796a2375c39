using TransferLearning.ImageClassification.Explanations;

namespace TransferLearning.ImageClassification.Tests.Explanations;

public class HeatmapTests
{
    [Fact]
    public void Stretched_over_an_image_each_cell_lands_where_its_centre_is_and_the_edges_hold()
    {
        // Two cells centred at 0% and 50% of the width (as a stride-2 layer without padding places them), not 25% and 75%.
        var heatmap = new Heatmap(2, 1, [0f, 1f], new CellCentres(0, 0.5, 0.5, 1));

        Assert.Equal([0.25f, 0.75f, 1f, 1f], heatmap.Resize(4, 1).Values.ToArray());
    }

    [Fact]
    public void Without_a_placement_the_cells_spread_evenly_with_half_pixel_centres()
    {
        var heatmap = new Heatmap(2, 1, [0f, 1f]);

        Assert.Equal([0f, 0.25f, 0.75f, 1f], heatmap.Resize(4, 1).Values.ToArray());
    }
}
