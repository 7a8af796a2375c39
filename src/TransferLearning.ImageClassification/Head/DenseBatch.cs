using System.Numerics.Tensors;

namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// A mini-batch through a <see cref="DenseHead"/>'s layers: the inputs gathered into one matrix, each layer one matrix
/// product (<see cref="MatrixProducts"/>), then bias, ReLU (and dropout) or softmax row by row. Reused batch after
/// batch.
/// </summary>
internal sealed class DenseBatch
{
    private readonly int[] _sizes;

    /// <summary>Buffers for up to <paramref name="capacity"/> rows of a head with layer sizes
    /// <paramref name="sizes"/>.</summary>
    public DenseBatch(int[] sizes, int capacity)
    {
        (_sizes, Capacity) = (sizes, capacity);
        Input = new float[checked(capacity * sizes[0])];
        Outputs = sizes.Skip(1).Select(size => new float[checked(capacity * size)]).ToArray();
        LogOutputs = new float[checked(capacity * sizes[^1])];
    }

    /// <summary>Most rows it holds.</summary>
    public int Capacity { get; }

    /// <summary>Number of rows loaded.</summary>
    public int Count { get; private set; }

    /// <summary>The loaded feature rows, [count, features] row-major.</summary>
    public float[] Input { get; }

    /// <summary>Each layer's output, [count, units] row-major, after its activation; the last holds the
    /// probabilities.</summary>
    public float[][] Outputs { get; }

    /// <summary>Copies rows <paramref name="rows"/> of <paramref name="x"/> into <see cref="Input"/>.</summary>
    public void Load(ReadOnlySpan<int> rows, float[][] x)
    {
        var width = _sizes[0];
        for (var i = 0; i < rows.Length; i++) x[rows[i]].CopyTo(Input.AsSpan(i * width, width));
        Count = rows.Length;
    }

    /// <summary>Class probabilities of row <paramref name="row"/> after <see cref="Forward"/>.</summary>
    public Span<float> Probabilities(int row) => Outputs[^1].AsSpan(row * _sizes[^1], _sizes[^1]);

    /// <summary>Their logarithms, from the log-softmax (finite even where a probability rounds to 0), for the
    /// loss.</summary>
    public Span<float> LogProbabilities(int row) => LogOutputs.AsSpan(row * _sizes[^1], _sizes[^1]);

    private float[] LogOutputs { get; }

    /// <summary>
    /// Runs the layers on the loaded rows. <paramref name="dropoutScale"/>, when given, holds one [count, units] mask
    /// per
    /// hidden layer (0 to drop, 1/(1−rate) to keep).
    /// </summary>
    public void Forward(float[] parameters, float[][]? dropoutScale)
    {
        var (input, offset) = (Input, 0);
        for (var layer = 0; layer < _sizes.Length - 1; layer++)
        {
            var (inSize, outSize) = (_sizes[layer], _sizes[layer + 1]);
            var output = Outputs[layer];
            MatrixProducts.MultiplyTransposed(
                input.AsMemory(0, Count * inSize), parameters.AsMemory(offset, inSize * outSize),
                output.AsMemory(0, Count * outSize), Count, outSize, inSize);
            var bias = parameters.AsSpan(offset + inSize * outSize, outSize);
            var last = layer == _sizes.Length - 2;
            for (var i = 0; i < Count; i++)
            {
                var row = output.AsSpan(i * outSize, outSize);
                TensorPrimitives.Add(row, bias, row);
                if (last)
                {
                    Softmax.Apply(row, LogProbabilities(i));
                    continue;
                }
                TensorPrimitives.Max(row, 0f, row); // ReLU
                if (dropoutScale is not null)
                    TensorPrimitives.Multiply(row, dropoutScale[layer].AsSpan(i * outSize, outSize), row);
            }
            offset += (inSize + 1) * outSize;
            input = output;
        }
    }
}
