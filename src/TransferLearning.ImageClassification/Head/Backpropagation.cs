using System.Numerics.Tensors;

namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// Mean cross-entropy gradient of a <see cref="DenseHead"/>'s parameters over a mini-batch, with class weights,
/// label smoothing, L2 and dropout. The batch goes through as matrices: one product per layer forward, two back.
/// </summary>
internal sealed class Backpropagation
{
    private readonly int[] _sizes;
    private readonly HeadOptions _options;
    private readonly float[] _classWeights;
    private readonly Random _random;
    private readonly DenseBatch _batch;
    private readonly float[][] _deltas;        // per layer, [batch, units]: ∂loss/∂(pre-activation)
    private readonly float[][]? _dropoutScale; // per hidden layer, [batch, units]

    public Backpropagation(int[] sizes, HeadOptions options, float[] classWeights, Random random)
    {
        (_sizes, _options, _classWeights, _random) = (sizes, options, classWeights, random);
        _batch = new DenseBatch(sizes, options.BatchSize);
        _deltas = sizes.Skip(1).Select(units => new float[options.BatchSize * units]).ToArray();
        _dropoutScale = options.Dropout > 0
            ? sizes.Skip(1).SkipLast(1).Select(units => new float[options.BatchSize * units]).ToArray()
            : null;
        Result = new float[checked((int)DenseHead.ParameterCount(sizes))];
    }

    /// <summary>The gradient computed by the last <see cref="Gradient"/> call.</summary>
    public float[] Result { get; }

    /// <summary>
    /// Fills <see cref="Result"/>; returns the batch's summed (weighted) loss and number of right answers.
    /// </summary>
    public (double Loss, int Correct) Gradient(
        float[] parameters, ReadOnlySpan<int> batch, float[][] x, IReadOnlyList<int> labels)
    {
        _batch.Load(batch, x);
        NewDropoutMasks(batch.Length);
        _batch.Forward(parameters, _dropoutScale);

        // Output delta of softmax + cross-entropy: p − target, scaled to a weighted batch mean.
        var (classes, smoothing) = (_sizes[^1], _options.LabelSmoothing);
        var (loss, correct) = (0.0, 0);
        for (var i = 0; i < batch.Length; i++)
        {
            var probabilities = _batch.Probabilities(i);
            var label = labels[batch[i]];
            var weight = _classWeights[label];
            loss += weight * CrossEntropy(_batch.LogProbabilities(i), label);
            correct += TensorPrimitives.IndexOfMax(probabilities) == label ? 1 : 0;
            var delta = _deltas[^1].AsSpan(i * classes, classes);
            TensorPrimitives.Subtract(probabilities, smoothing / classes, delta);
            delta[label] -= 1 - smoothing;
            TensorPrimitives.Multiply(delta, weight / batch.Length, delta);
        }
        Backward(parameters, batch.Length);
        return (loss, correct);
    }

    /// <summary>−Σ t·log p with the smoothed target t, from the log-softmax.</summary>
    private double CrossEntropy(ReadOnlySpan<float> logProbabilities, int label)
    {
        var smoothing = _options.LabelSmoothing;
        var loss = -(1 - smoothing) * (double)logProbabilities[label];
        if (smoothing > 0)
            foreach (var logP in logProbabilities) loss -= smoothing / logProbabilities.Length * logP;
        return loss;
    }

    private void Backward(float[] parameters, int count)
    {
        var offset = Result.Length;
        for (var layer = _sizes.Length - 2; layer >= 0; layer--)
        {
            var (inSize, outSize) = (_sizes[layer], _sizes[layer + 1]);
            offset -= (inSize + 1) * outSize;
            var input = layer == 0 ? _batch.Input : _batch.Outputs[layer - 1];
            var delta = _deltas[layer].AsMemory(0, count * outSize);

            // Weights: δᵀ·input (+ L2·W), [out, in]; biases: δ summed over the batch.
            var weights = parameters.AsMemory(offset, inSize * outSize);
            var (inputs, gradient) = (input.AsMemory(0, count * inSize), Result.AsMemory(offset, inSize * outSize));
            MatrixProducts.SumOfOuterProducts(
                delta, outSize, 1, inputs, gradient, count, outSize, inSize, weights, _options.L2);
            var bias = Result.AsSpan(offset + inSize * outSize, outSize);
            bias.Clear();
            for (var i = 0; i < count; i++) TensorPrimitives.Add(bias, delta.Span.Slice(i * outSize, outSize), bias);
            if (layer == 0) break;

            // Through the weights (δ·W), then through ReLU and dropout: zero where the unit was off or dropped.
            var back = _deltas[layer - 1].AsSpan(0, count * inSize);
            MatrixProducts.SumOfOuterProducts(
                delta, 1, outSize, weights, _deltas[layer - 1].AsMemory(0, count * inSize), outSize, count, inSize);
            var scale = _dropoutScale?[layer - 1];
            for (var j = 0; j < back.Length; j++)
                back[j] = input[j] > 0 ? back[j] * (scale is null ? 1f : scale[j]) : 0f;
        }
    }

    /// <summary>
    /// New masks for the hidden units, example by example. The trainer's seeded <see cref="Random"/> gives one seed
    /// per batch to SplitMix64, which draws the masks: the same seed gives the same masks, at a few nanoseconds a unit
    /// instead of the seeded Random's twenty.
    /// </summary>
    private void NewDropoutMasks(int count)
    {
        if (_dropoutScale is null) return;
        var keep = 1f / (1f - _options.Dropout);
        var dropBelow = (ulong)(_options.Dropout * 4294967296.0); // P(unit dropped) = Dropout, on 32-bit draws
        var state = (ulong)_random.NextInt64();
        for (var i = 0; i < count; i++)
            for (var layer = 0; layer < _dropoutScale.Length; layer++)
            {
                var units = _sizes[layer + 1];
                foreach (ref var scale in _dropoutScale[layer].AsSpan(i * units, units))
                    scale = SplitMix64(ref state) >> 32 < dropBelow ? 0f : keep;
            }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
