using System.Numerics.Tensors;

namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// Mean cross-entropy gradient of a <see cref="DenseHead"/>'s parameters over a mini-batch, with class weights,
/// label smoothing, L2 and dropout.
/// </summary>
internal sealed class Backpropagation(int[] sizes, HeadOptions options, float[] classWeights, Random random)
{
    private readonly float[] _activations = new float[DenseHead.ActivationCount(sizes)];
    private readonly float[] _delta = new float[DenseHead.ActivationCount(sizes)];
    private readonly float[] _dropoutScale = new float[options.Dropout > 0 ? DenseHead.ActivationCount(sizes) : 0];
    private readonly (int Offset, int Length)[] _weights = WeightRanges(sizes).ToArray();

    /// <summary>The gradient computed by the last <see cref="Gradient"/> call.</summary>
    public float[] Result { get; } = new float[checked((int)DenseHead.ParameterCount(sizes))];

    /// <summary>Fills <see cref="Result"/>; returns the batch's summed (weighted) loss and number of right answers.</summary>
    public (double Loss, int Correct) Gradient(float[] parameters, ReadOnlySpan<int> batch, float[][] x, IReadOnlyList<int> labels)
    {
        Array.Clear(Result);
        var (loss, correct) = (0.0, 0);
        foreach (var i in batch)
        {
            NewDropoutMask();
            DenseHead.Forward(sizes, parameters, x[i], _activations, _dropoutScale);
            var probabilities = _activations.AsSpan(_activations.Length - sizes[^1]);
            var weight = classWeights[labels[i]];
            loss += weight * CrossEntropy(probabilities, labels[i]);
            correct += TensorPrimitives.IndexOfMax(probabilities) == labels[i] ? 1 : 0;
            Backward(parameters, x[i], labels[i], weight / batch.Length);
        }
        if (options.L2 > 0)
            foreach (var (offset, length) in _weights)
                TensorPrimitives.MultiplyAdd(parameters.AsSpan(offset, length), options.L2, Result.AsSpan(offset, length), Result.AsSpan(offset, length));
        return (loss, correct);
    }

    /// <summary>Shrinks the weights (not the biases) by <paramref name="fraction"/>: AdamW's decoupled decay.</summary>
    public void DecayWeights(float[] parameters, float fraction)
    {
        foreach (var (offset, length) in _weights)
            TensorPrimitives.Multiply(parameters.AsSpan(offset, length), 1 - fraction, parameters.AsSpan(offset, length));
    }

    /// <summary>−Σ t·log p with the smoothed target t.</summary>
    private double CrossEntropy(ReadOnlySpan<float> probabilities, int label)
    {
        var smoothing = options.LabelSmoothing;
        var loss = -(1 - smoothing) * Math.Log(Math.Max(probabilities[label], 1e-12f));
        if (smoothing > 0)
            foreach (var p in probabilities) loss -= smoothing / probabilities.Length * Math.Log(Math.Max(p, 1e-12f));
        return loss;
    }

    private void Backward(float[] parameters, float[] features, int label, float scale)
    {
        // Output delta of softmax + cross-entropy: p − target (scaled to a weighted batch mean).
        var classes = sizes[^1];
        var produced = _activations.Length - classes;
        var delta = _delta.AsSpan(produced, classes);
        TensorPrimitives.Subtract(_activations.AsSpan(produced, classes), options.LabelSmoothing / classes, delta);
        delta[label] -= 1 - options.LabelSmoothing;
        TensorPrimitives.Multiply(delta, scale, delta);

        var offset = Result.Length;
        for (var layer = sizes.Length - 2; layer >= 0; layer--)
        {
            var (inSize, outSize) = (sizes[layer], sizes[layer + 1]);
            offset -= (inSize + 1) * outSize;
            var inputStart = produced - inSize;
            ReadOnlySpan<float> input = layer == 0 ? features : _activations.AsSpan(inputStart, inSize);
            var outputDelta = _delta.AsSpan(produced, outSize);
            for (var o = 0; o < outSize; o++)
            {
                var row = Result.AsSpan(offset + o * inSize, inSize);
                TensorPrimitives.MultiplyAdd(input, outputDelta[o], row, row);
                Result[offset + inSize * outSize + o] += outputDelta[o];
            }
            if (layer == 0) break;

            // Through the weights, then through ReLU and dropout: zero where the unit was off or dropped.
            var inputDelta = _delta.AsSpan(inputStart, inSize);
            inputDelta.Clear();
            for (var o = 0; o < outSize; o++)
                TensorPrimitives.MultiplyAdd(parameters.AsSpan(offset + o * inSize, inSize), outputDelta[o], inputDelta, inputDelta);
            for (var j = 0; j < inSize; j++)
                inputDelta[j] = input[j] > 0 ? inputDelta[j] * (_dropoutScale.Length > 0 ? _dropoutScale[inputStart + j] : 1f) : 0f;
            produced = inputStart;
        }
    }

    private void NewDropoutMask()
    {
        if (_dropoutScale.Length == 0) return;
        var keep = 1f / (1f - options.Dropout);
        for (var j = 0; j < _dropoutScale.Length; j++) _dropoutScale[j] = random.NextSingle() < options.Dropout ? 0f : keep;
    }

    /// <summary>Where each layer's weight matrix sits in the flat parameter array (biases follow each).</summary>
    private static IEnumerable<(int Offset, int Length)> WeightRanges(int[] sizes)
    {
        var offset = 0;
        for (var layer = 0; layer < sizes.Length - 1; layer++)
        {
            yield return (offset, sizes[layer] * sizes[layer + 1]);
            offset += (sizes[layer] + 1) * sizes[layer + 1];
        }
    }
}
