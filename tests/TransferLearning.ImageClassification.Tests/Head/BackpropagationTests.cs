using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Tests.Head;

public class BackpropagationTests
{
    [Fact]
    public void The_gradient_matches_finite_differences_of_the_loss()
    {
        // Two hidden layers, class weights, label smoothing and L2: every term of the loss has a gradient to get right.
        int[] sizes = [6, 5, 4, 3];
        var options = new HeadOptions { HiddenLayers = [5, 4], Dropout = 0, L2 = 0.05f, LabelSmoothing = 0.1f, BatchSize = 7 };
        float[] classWeights = [1f, 2f, 0.5f];
        var random = new Random(3);
        var x = Enumerable.Range(0, 7).Select(_ => Enumerable.Range(0, 6).Select(_ => random.NextSingle() * 2 - 1).ToArray()).ToArray();
        int[] labels = [0, 1, 2, 1, 0, 2, 2];
        var parameters = Enumerable.Range(0, 6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3).Select(_ => random.NextSingle() - 0.5f).ToArray();
        int[] batch = [0, 1, 2, 3, 4, 5, 6];
        var pass = new Backpropagation(sizes, options, classWeights, new Random(1));

        pass.Gradient(parameters, batch, x, labels);
        var gradient = pass.Result.ToArray();

        double Loss(float[] p)
        {
            var (sum, _) = new Backpropagation(sizes, options, classWeights, new Random(1)).Gradient(p, batch, x, labels);
            var l2 = new[] { (0, 30), (35, 20), (59, 12) }.Sum(r => p.AsSpan(r.Item1, r.Item2).ToArray().Sum(w => (double)w * w));
            return sum / batch.Length + 0.5 * options.L2 * l2;
        }
        const float step = 1e-3f; // small enough not to cross a ReLU kink, large enough for float32 losses
        for (var i = 0; i < parameters.Length; i++)
        {
            var (up, down) = (parameters.ToArray(), parameters.ToArray());
            (up[i], down[i]) = (parameters[i] + step, parameters[i] - step);
            Assert.True(Math.Abs((Loss(up) - Loss(down)) / (2 * step) - gradient[i]) < 2e-3, $"{i}: {(Loss(up) - Loss(down)) / (2 * step)} vs {gradient[i]}");
        }
    }
}
