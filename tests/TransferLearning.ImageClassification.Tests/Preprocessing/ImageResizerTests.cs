using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using TransferLearning.ImageClassification.Preprocessing;
using static TransferLearning.ImageClassification.Backbones.OnnxNodes;

namespace TransferLearning.ImageClassification.Tests.Preprocessing;

/// <summary>The library's resize is ONNX Runtime's Resize node with the exported graph's attributes, not an approximation.</summary>
public class ImageResizerTests
{
    public static TheoryData<int, int, int, int, bool> Shapes()
    {
        var data = new TheoryData<int, int, int, int, bool>();
        (int, int)[] sources = [(1, 1), (7, 300), (28, 28), (97, 61), (333, 250), (640, 480), (1024, 768), (4000, 3000)];
        foreach (var (width, height) in sources)
        {
            data.Add(width, height, 224, 224, true);
            data.Add(width, height, 100, 37, false);
        }
        data.Add(28, 28, 28, 28, true);   // no resize at all
        data.Add(9000, 3, 224, 224, false); // wider than one piece of a row, and enlarged the other way
        data.Add(3, 20000, 37, 100, true);  // many input rows per output row
        data.Add(224, 100, 224, 300, false); // one axis kept, the other enlarged
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Equals_onnx_runtime_s_antialiased_linear_resize_within_1e4(int width, int height, int toWidth, int toHeight, bool planesFirst)
    {
        var rgba = new byte[width * height * 4];
        new Random(width * 31 + height).NextBytes(rgba);
        var size = new ImageSize(toWidth, toHeight);
        var library = new float[size.Area * 4];

        ImageResizer.Resize(rgba, width, height, size, library);

        var runtime = RunResizeNode(rgba, width, height, size, planesFirst);
        var worst = library.Zip(runtime, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-4f, $"largest difference {worst} on the 0-255 scale");
    }

    [Fact]
    public void Downscaling_averages_instead_of_skipping_pixels()
    {
        // A one-pixel checkerboard shrunk 8 times: a plain bilinear resize picks pixels (0 or 255); antialiasing gives grey.
        const int Side = 64;
        var rgba = new byte[Side * Side * 4];
        for (var i = 0; i < Side * Side; i++) rgba.AsSpan(i * 4, 4).Fill((byte)(((i % Side) + (i / Side)) % 2 * 255));
        var resized = new float[8 * 8 * 4];

        ImageResizer.Resize(rgba, Side, Side, new ImageSize(8, 8), resized);

        Assert.All(resized, v => Assert.InRange(v, 120f, 135f));
    }

    [Fact]
    public void Enlarging_a_constant_image_keeps_it_constant_to_the_edges()
    {
        var rgba = Enumerable.Repeat((byte)77, 5 * 3 * 4).ToArray();
        var resized = new float[224 * 224 * 4];

        ImageResizer.Resize(rgba, 5, 3, new ImageSize(224, 224), resized);

        Assert.All(resized, v => Assert.Equal(77f, v, 4));
    }

    /// <summary>One Resize node exactly as the exporter writes it, on NCHW (the transposed image) or NHWC float pixels.</summary>
    private static float[] RunResizeNode(byte[] rgba, int width, int height, ImageSize size, bool planesFirst)
    {
        var graph = new GraphProto { Name = "resize" };
        graph.Input.Add(Value("x"));
        graph.Output.Add(Value("y"));
        var x = planesFirst ? Add(graph, "Transpose", ["x"], "x_nchw", Ints("perm", 0, 3, 1, 2)) : "x";
        var sizes = Constant(graph, "sizes", TensorProto.Types.DataType.Int64, [2],
            System.Runtime.InteropServices.MemoryMarshal.AsBytes<long>([size.Height, size.Width]));
        var (heightAxis, widthAxis) = planesFirst ? (2L, 3L) : (1L, 2L);
        var y = Add(graph, "Resize", [x, "", "", sizes], planesFirst ? "y_nchw" : "y",
            Ints("axes", heightAxis, widthAxis), Text("mode", "linear"), Int("antialias", 1), Text("coordinate_transformation_mode", "half_pixel"));
        if (planesFirst) Add(graph, "Transpose", [y], "y", Ints("perm", 0, 2, 3, 1));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 18 });

        // Unoptimised: ONNX Runtime's transpose optimiser would fold the two Transposes around the Resize into an NHWC
        // Resize (and, in 1.31, drop its sizes on the way); the exported graph has no second Transpose to fold.
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model), options);
        var input = new DenseTensor<float>(rgba.Select(b => (float)b).ToArray(), [1, height, width, 4]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", input)]);
        return results[0].AsTensor<float>().ToArray();
    }

    /// <summary>[N, H, W, 4] with symbolic dimensions, as the exported graph's input.</summary>
    private static ValueInfoProto Value(string name)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in new[] { "N", "H", "W" }) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = name + dim });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 4 });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
