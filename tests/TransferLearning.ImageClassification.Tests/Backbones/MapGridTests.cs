using Onnx;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Backbones;

/// <summary>A map's cells are placed where the convolutions and pools that made them are centred.</summary>
public class MapGridTests
{
    private static MapGrid? GridOf(byte[] model, BackboneSpec spec) => OnnxGraphRewriter.ToFeatureExtractor(model, spec).Grid;

    [Fact]
    public void ResNet18_centres_cell_j_on_input_pixel_32j_at_its_end_and_16j_after_stage_3_not_half_a_cell_further()
    {
        var model = File.ReadAllBytes(BackboneCatalog.ResNet18.ModelPath!);

        Assert.Equal(new MapGrid(32, 0, 32, 0), GridOf(model, BackboneCatalog.ResNet18));
        Assert.Equal(new MapGrid(16, 0, 16, 0), GridOf(model, BackboneCatalog.Get("resnet18-layer3")));
    }

    [Fact]
    public void Unpadded_windows_that_tile_the_input_spread_their_cells_evenly()
    {
        using var folder = TestImages.NewFolder();
        var model = TinyOnnx.Classifier("x", "pooled", 4, FeatureProducer.MaxPoolMap);
        var spec = new BackboneSpec(BackboneSpec.FromOnnxFile(folder.Write("tiny.onnx", model), new ImageSize(224, 224), PixelNormalization.Torch)) { FeatureNode = "relu" };

        // Conv 16x16/16 centres cell j on 16j + 7.5: in pixel-centre coordinates 16j + 8, the middle of its tile.
        Assert.Equal(new MapGrid(16, 7.5, 16, 7.5), GridOf(model, spec));
    }

    [Theory]
    [InlineData("SAME_UPPER", 1.0)] // TensorFlow's padding: the odd pixel goes at the end, the first window starts at 0
    [InlineData("SAME_LOWER", 0.0)] // ... at the start, the first window centred on pixel 0
    [InlineData("VALID", 1.0)]
    public void Padding_moves_the_cells_by_what_it_adds_before_the_image(string autoPad, double offset)
    {
        var graph = new GraphProto();
        graph.Input.Add(new ValueInfoProto { Name = "x" });
        graph.Node.Add(new NodeProto
        {
            OpType = "Conv", Input = { "x", "w" }, Output = { "map" },
            Attribute =
            {
                new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 3, 3 } },
                new AttributeProto { Name = "strides", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 2, 2 } },
                new AttributeProto { Name = "auto_pad", Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(autoPad) },
            },
        });

        Assert.Equal(new MapGrid(2, offset, 2, offset), MapGrid.Of(graph, "map", "x"));
    }

    [Fact]
    public void A_path_through_a_layer_that_moves_pixels_it_cannot_place_gives_no_grid()
    {
        var graph = new GraphProto();
        graph.Node.Add(new NodeProto { OpType = "Resize", Input = { "x" }, Output = { "big" } });
        graph.Node.Add(new NodeProto { OpType = "Relu", Input = { "big" }, Output = { "map" } });

        Assert.Null(MapGrid.Of(graph, "map", "x"));
    }
}
