namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>Memory layout of one image in a backbone's input tensor.</summary>
public enum TensorLayout
{
    /// <summary>Planes first: [batch, channels, height, width] (ONNX/Torch/CNTK exports).</summary>
    Nchw,

    /// <summary>Channels last: [batch, height, width, channels] (TensorFlow/Keras exports).</summary>
    Nhwc,
}
