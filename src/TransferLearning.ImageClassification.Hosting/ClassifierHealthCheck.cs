using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TransferLearning.ImageClassification.Hosting;

/// <summary>Healthy while a model is loaded; degraded when a replacement failed to load (the old model still answers);
/// unhealthy without a model.</summary>
internal sealed class ClassifierHealthCheck(ModelSlot slot) : IHealthCheck
{
    /// <summary>The check's name in the health report.</summary>
    public const string Name = "classifier";

    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (slot.Model is not { } model)
            return Task.FromResult(HealthCheckResult.Unhealthy(slot.LoadError ?? "No model loaded yet."));
        var data = new Dictionary<string, object>
        {
            ["classes"] = model.Classes,
            ["backbone"] = model.Backbone,
            ["backboneSha256"] = model.BackboneSha256,
            ["loadedAt"] = model.LoadedAt,
        };
        return Task.FromResult(slot.LoadError is { } error
            ? HealthCheckResult.Degraded(
                $"Serving the model loaded at {model.LoadedAt:u}; the replacement failed: {error}", data: data)
            : HealthCheckResult.Healthy($"Serving {model.Backbone} with {model.Classes.Count} classes.", data));
    }
}
