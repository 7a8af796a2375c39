using System.Numerics.Tensors;

namespace TransferLearning.ImageClassification.Head;

/// <summary>Mean cross-entropy gradient of a <see cref="DenseHead"/>'s parameters over a mini-batch, with L2 and dropout.</summary>
internal sealed class Backpropagation(int[] sizes, HeadOptions options, Random random)
{
    private readonly float[] _activations = new float[DenseHead.ActivationCount(sizes)];
    private readonly float[] _delta = new float[DenseHead.ActivationCount(sizes)];
    private readonly float[] _dropoutScale = new float[options.Dropout > 0 ? DenseHead.ActivationCount(sizes) : 0];

    /// <summary>The gradient computed by the last <see cref="Gradient"/> call.</summary>
    public float[] Result { get; } = new float[DenseHead.ParameterCount(sizes)];

    /// <summary>Fills <see cref="Result"/>; returns the batch's summed loss and number of right answers.</summary>
    public (double Loss, int Correct) Gradient(float[] parameters, ReadOnlySpan<int> batch, float[][] x, IReadOnlyList<int> labels)
    {
        Array.Clear(Result);
        var (loss, correct) = (0.0, 0);
        var scale = 1f / batch.Length;
        foreach (var i in batch)
        {
            NewDropoutMask();
            DenseHead.Forward(sizes, parameters, x[i], _activations, _dropoutScale);
            var probabilities = _activations.AsSpan(_activations.Length - sizes[^1]);
            loss -= Math.Log(Math.Max(probabilities[labels[i]], 1e-12f));
            correct += TensorPrimitives.IndexOfMax(probabilities) == labels[i] ? 1 : 0;
            Backward(parameters, x[i], labels[i], scale);
        }
        if (options.L2 > 0) AddWeightDecay(parameters);
        return (loss, correct);
    }

    private void Backward(float[] parameters, float[] features, int label, float scale)
    {
        // Output delta of softmax + cross-entropy: p − onehot (scaled to a batch mean).
        var produced = _activations.Length - sizes[^1];
        var delta = _delta.AsSpan(produced, sizes[^1]);
        TensorPrimitives.Multiply(_activations.AsSpan(produced, sizes[^1]), scale, delta);
        delta[label] -= scale;

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

    private void AddWeightDecay(float[] parameters)
    {
        var offset = 0;
        for (var layer = 0; layer < sizes.Length - 1; layer++)
        {
            var weights = sizes[layer] * sizes[layer + 1];
            TensorPrimitives.MultiplyAdd(parameters.AsSpan(offset, weights), options.L2, Result.AsSpan(offset, weights), Result.AsSpan(offset, weights));
            offset += weights + sizes[layer + 1];
        }
    }
}
