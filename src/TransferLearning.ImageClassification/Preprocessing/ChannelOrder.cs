namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>Order of the colour planes a backbone expects.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue (Torch, TensorFlow/Keras "tf" mode).</summary>
    Rgb,

    /// <summary>Blue, green, red (Caffe and CNTK-trained models).</summary>
    Bgr,
}
