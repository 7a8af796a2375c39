namespace TransferLearning.ImageClassification.Backbones;

/// <summary>How the spatial feature map at a backbone's cut becomes one vector per image.</summary>
public enum FeaturePooling
{
    /// <summary>Mean over height and width (Keras <c>pooling='avg'</c>, the article's choice).</summary>
    GlobalAverage,

    /// <summary>Maximum over height and width (Keras <c>pooling='max'</c>).</summary>
    GlobalMax,

    /// <summary>Average and maximum side by side (fastai's concat pooling): twice the features, often a little more
    /// accurate.</summary>
    GlobalAverageAndMax,

    /// <summary>No pooling: the tensor is flattened as it is (its size then depends on the input size).</summary>
    None,
}
