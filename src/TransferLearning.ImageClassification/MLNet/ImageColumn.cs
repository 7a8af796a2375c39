using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace TransferLearning.ImageClassification.MLNet;

/// <summary>
/// What the estimator's input column holds: image file paths (text), encoded image bytes (a byte vector, as
/// <c>LoadRawImageBytes</c> gives) or images ML.NET has already decoded (<see cref="MLImage"/>, as <c>LoadImages</c>
/// and <c>ResizeImages</c> give).
/// </summary>
internal enum ImageColumnKind
{
    Path,
    Bytes,
    Image,
}

/// <summary>Finds the image column and checks its type, up front.</summary>
internal static class ImageColumn
{
    private const string Accepted =
        "text (image paths), a byte vector (LoadRawImageBytes) or an image (LoadImages)";

    /// <summary>The column named <paramref name="name"/> and what it holds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such column, or one of another type.</exception>
    public static (DataViewSchema.Column Column, ImageColumnKind Kind) Find(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(schema),
                $"Image column '{name}' not found. Columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        return (column, KindOf(column.Type) ?? throw new ArgumentOutOfRangeException(
            nameof(schema), $"Image column '{name}' must hold {Accepted}, not {column.Type}."));
    }

    /// <summary>Checks an estimator's input shape as <see cref="Find"/> checks a schema.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such column, or one of another type.</exception>
    public static void Check(SchemaShape shape, string name)
    {
        var column = shape.FirstOrDefault(c => c.Name == name);
        if (column.Name is null)
            throw new ArgumentOutOfRangeException(nameof(shape), $"Image column '{name}' not found.");
        var holdsImages = column.Kind == SchemaShape.Column.VectorKind.Scalar
            ? column.ItemType is TextDataViewType or ImageDataViewType
            : column.ItemType == NumberDataViewType.Byte;
        if (!holdsImages)
            throw new ArgumentOutOfRangeException(
                nameof(shape), $"Image column '{name}' must hold {Accepted}, not {column.ItemType} ({column.Kind}).");
    }

    private static ImageColumnKind? KindOf(DataViewType type) => type switch
    {
        TextDataViewType => ImageColumnKind.Path,
        ImageDataViewType => ImageColumnKind.Image,
        VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Byte => ImageColumnKind.Bytes,
        _ => null,
    };
}
