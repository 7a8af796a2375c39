namespace TransferLearning.ImageClassification.Head;

/// <summary>Mini-batch gradient-descent update rules (Keras semantics and default constants).</summary>
public enum OptimizerKind
{
    /// <summary>SGD with optional (Nesterov) momentum.</summary>
    Sgd,

    /// <summary>RMSprop (rho 0.9, epsilon 1e-7): the article's choice.</summary>
    RmsProp,

    /// <summary>Adam (beta1 0.9, beta2 0.999, epsilon 1e-7).</summary>
    Adam,

    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter, 2019):
    /// <see cref="HeadOptions.WeightDecay"/>.</summary>
    AdamW,
}
