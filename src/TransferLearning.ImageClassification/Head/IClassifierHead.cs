using System.Numerics.Tensors;

namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// The trained part of a classifier: feature vector in, class probabilities out. The dense head that
/// <see cref="HeadOptions"/> trains is this library's; <see cref="MLNetHead"/> wraps any ML.NET multiclass trainer's
/// model. Implementations are thread-safe. Only this library implements it: a saved model must be able to store and
/// reload its head.
/// </summary>
public interface IClassifierHead
{
    /// <summary>Length of the feature vectors it takes.</summary>
    int FeatureSize { get; }

    /// <summary>Number of classes it scores.</summary>
    int ClassCount { get; }

    /// <summary>Writes the class probabilities of <paramref name="features"/> into
    /// <paramref name="probabilities"/>.</summary>
    void Predict(ReadOnlySpan<float> features, Span<float> probabilities);

    /// <summary>Writes what a model file stores of the head; internal, so that no outside type can implement
    /// this.</summary>
    internal void Save(Stream stream);
}

/// <summary>Predictions every head gets from <see cref="IClassifierHead.Predict"/>.</summary>
internal static class ClassifierHeadExtensions
{
    /// <summary>
    /// Mean class probabilities over several feature vectors of one image laid back to back in <paramref name="views"/>
    /// (e.g. the image and its mirror image: test-time augmentation). One vector gives its plain prediction.
    /// </summary>
    public static float[] PredictMean(this IClassifierHead head, ReadOnlySpan<float> views)
    {
        ArgumentNullException.ThrowIfNull(head);
        var size = head.FeatureSize;
        if (views.IsEmpty || views.Length % size != 0)
            throw new ArgumentException(
                $"Expected a whole number of {size}-feature vectors, got {views.Length} floats.", nameof(views));
        var (mean, probabilities) = (new float[head.ClassCount], new float[head.ClassCount]);
        var count = views.Length / size;
        for (var v = 0; v < count; v++)
        {
            head.Predict(views.Slice(v * size, size), probabilities);
            TensorPrimitives.Add(mean, probabilities, mean);
        }
        if (count > 1) TensorPrimitives.Divide(mean, count, mean);
        return mean;
    }
}
