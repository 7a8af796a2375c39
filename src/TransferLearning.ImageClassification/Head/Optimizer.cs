using TransferLearning.ImageClassification.Head.Optimizers;

namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// A mini-batch update rule with its own settings, as in Keras (<c>optimizer=RMSprop()</c>); the step size is
/// <see cref="HeadOptions.LearningRate"/>. Keras semantics and default constants.
/// </summary>
public sealed class Optimizer
{
    private readonly string _name;
    private readonly Func<int[], IOptimizer> _create;

    private Optimizer(string name, Func<int[], IOptimizer> create) => (_name, _create) = (name, create);

    /// <summary>RMSprop (rho 0.9, epsilon 1e-7): the article's choice.</summary>
    public static Optimizer RmsProp { get; } =
        new("rmsprop", sizes => new RmsPropOptimizer(ParameterCount(sizes)));

    /// <summary>Adam (beta1 0.9, beta2 0.999, epsilon 1e-7).</summary>
    public static Optimizer Adam { get; } = new("adam", sizes => new AdamOptimizer(sizes, weightDecay: 0));

    /// <summary>Stochastic gradient descent with momentum <paramref name="momentum"/> (0 to below 1), Nesterov's when
    /// <paramref name="nesterov"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="momentum"/> is outside [0, 1).</exception>
    public static Optimizer Sgd(float momentum = 0.9f, bool nesterov = false) =>
        momentum is >= 0 and < 1
            ? new($"sgd(momentum {momentum}{(nesterov ? ", nesterov" : "")})",
                sizes => new SgdOptimizer(momentum, nesterov, ParameterCount(sizes)))
            : throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");

    /// <summary>
    /// Adam with decoupled weight decay (Loshchilov and Hutter, 2019): each step shrinks the weights, not the biases,
    /// by <c>learning rate · <paramref name="weightDecay"/></c> (Keras' default 0.004).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightDecay"/> is negative or not
    /// finite.</exception>
    public static Optimizer AdamW(float weightDecay = 0.004f) =>
        weightDecay >= 0 && float.IsFinite(weightDecay)
            ? new($"adamw(weight decay {weightDecay})", sizes => new AdamOptimizer(sizes, weightDecay))
            : throw new ArgumentOutOfRangeException(
                nameof(weightDecay), weightDecay, "Weight decay must be finite and not negative.");

    /// <summary>Name and settings, e.g. "sgd(momentum 0.9)".</summary>
    public override string ToString() => _name;

    /// <summary>A fresh update rule, with zeroed state, for a head of layer sizes <paramref name="sizes"/>.</summary>
    internal IOptimizer Create(int[] sizes) => _create(sizes);

    private static int ParameterCount(int[] sizes) => checked((int)DenseHead.ParameterCount(sizes));
}
