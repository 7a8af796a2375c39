using System.Numerics.Tensors;

namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// The trainable part of the classifier: dense layers (ReLU between them) and a softmax. With no hidden layer it is
/// the article's single Dense layer on pooled features (multinomial logistic regression). Immutable and thread-safe.
/// </summary>
internal sealed class DenseHead : IClassifierHead
{
    private readonly int[] _sizes;      // [features, hidden…, classes]
    private readonly float[] _parameters; // per layer: weights row-major [out, in], then biases [out]

    /// <summary>Creates a head from its layer sizes (features, hidden…, classes) and its parameters.</summary>
    internal DenseHead(IReadOnlyList<int> layerSizes, float[] parameters)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(parameters);
        _sizes = layerSizes.ToArray();
        if (_sizes.Length < 2 || _sizes.Any(s => s < 1) || _sizes[^1] < 2)
            throw new ArgumentException("Layer sizes need features, optional hidden sizes and at least 2 classes " +
                $"(got {string.Join(", ", _sizes)}).");
        if (parameters.Length != ParameterCount(_sizes))
            throw new ArgumentException($"Layer sizes {string.Join("-", _sizes)} need {ParameterCount(_sizes)} " +
                $"parameters, got {parameters.Length}.");
        _parameters = parameters;
    }

    /// <summary>Sizes of the layers' inputs and of the output: features, hidden units…, classes.</summary>
    public IReadOnlyList<int> LayerSizes => _sizes;

    /// <summary>Length of the feature vectors it takes.</summary>
    public int FeatureSize => _sizes[0];

    /// <summary>Number of classes it scores.</summary>
    public int ClassCount => _sizes[^1];

    /// <summary>All weights and biases, layer after layer (weights row-major [out, in], then biases).</summary>
    public ReadOnlySpan<float> Parameters => _parameters;

    void IClassifierHead.Save(Stream stream) =>
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Parameters));

    /// <summary>Writes the class probabilities of <paramref name="features"/> into
    /// <paramref name="probabilities"/>.</summary>
    public void Predict(ReadOnlySpan<float> features, Span<float> probabilities)
    {
        if (features.Length != FeatureSize)
            throw new ArgumentException($"Expected {FeatureSize} features, got {features.Length}.", nameof(features));
        var activations = new float[ActivationCount(_sizes)];
        Forward(_sizes, _parameters, features, activations);
        activations.AsSpan(activations.Length - ClassCount).CopyTo(probabilities);
    }

    /// <summary>Class probabilities of <paramref name="features"/>.</summary>
    internal float[] Predict(ReadOnlySpan<float> features)
    {
        var probabilities = new float[ClassCount];
        Predict(features, probabilities);
        return probabilities;
    }

    /// <summary>The scores before the softmax (for the energy score, −log Σ exp, that benchmarks compare).</summary>
    internal float[] Logits(ReadOnlySpan<float> features)
    {
        var activations = new float[ActivationCount(_sizes)];
        Forward(_sizes, _parameters, features, activations, softmax: false);
        return activations[^ClassCount..];
    }

    /// <summary>
    /// The gradient, with respect to <paramref name="features"/>, of class <paramref name="target"/>'s score relative
    /// to the mean score (<c>z_target − mean z</c>: what the softmax sees, and for two classes the negation of the
    /// other class's), by backpropagation through the layers and their ReLUs.
    /// </summary>
    internal float[] ScoreGradient(ReadOnlySpan<float> features, int target)
    {
        var activations = new float[ActivationCount(_sizes)];
        Forward(_sizes, _parameters, features, activations);
        var delta = new float[ClassCount];
        delta.AsSpan().Fill(-1f / ClassCount);
        delta[target] += 1f;
        var (offset, produced) = (_parameters.Length, activations.Length);
        for (var layer = _sizes.Length - 2; layer >= 0; layer--)
        {
            var (inSize, outSize) = (_sizes[layer], _sizes[layer + 1]);
            (offset, produced) = (offset - (inSize + 1) * outSize, produced - outSize);
            var back = new float[inSize];
            for (var o = 0; o < outSize; o++)
                TensorPrimitives.MultiplyAdd(_parameters.AsSpan(offset + o * inSize, inSize), delta[o], back, back);
            if (layer > 0)
            {
                var input = activations.AsSpan(produced - inSize, inSize); // the ReLU output feeding this layer
                for (var j = 0; j < inSize; j++)
                    if (input[j] <= 0) back[j] = 0;
            }
            delta = back;
        }
        return delta;
    }

    /// <summary>Weights and biases the layers need; checked, so absurd sizes fail instead of wrapping around.</summary>
    internal static long ParameterCount(IReadOnlyList<int> sizes) =>
        Enumerable.Range(0, sizes.Count - 1).Sum(l => checked(((long)sizes[l] + 1) * sizes[l + 1]));

    // Never overflows once the parameters fit in an array: each layer's (in + 1) × out weights outnumber its out
    // activations.
    internal static int ActivationCount(IReadOnlyList<int> sizes) => sizes.Skip(1).Sum();

    /// <summary>
    /// Runs the layers, writing every layer's output back to back into <paramref name="activations"/> (the last
    /// <c>classes</c> values are the probabilities). One example at a time; training runs batches through
    /// <see cref="DenseBatch"/>.
    /// </summary>
    private static void Forward(IReadOnlyList<int> sizes, ReadOnlySpan<float> parameters, ReadOnlySpan<float> features,
        Span<float> activations, bool softmax = true)
    {
        var input = features;
        var (offset, produced) = (0, 0);
        for (var layer = 0; layer < sizes.Count - 1; layer++)
        {
            var (inSize, outSize) = (sizes[layer], sizes[layer + 1]);
            var output = activations.Slice(produced, outSize);
            var bias = parameters.Slice(offset + inSize * outSize, outSize);
            for (var o = 0; o < outSize; o++)
                output[o] = TensorPrimitives.Dot(parameters.Slice(offset + o * inSize, inSize), input) + bias[o];
            if (layer < sizes.Count - 2) TensorPrimitives.Max(output, 0f, output); // ReLU
            else if (softmax) Softmax.Apply(output);
            offset += (inSize + 1) * outSize;
            produced += outSize;
            input = output;
        }
    }
}
