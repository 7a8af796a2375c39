using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TransferLearning.ImageClassification.Hosting;

/// <summary>Registers a served classifier, in the shape of ML.NET's <c>AddPredictionEnginePool</c>.</summary>
public static class ClassifierServiceCollectionExtensions
{
    /// <summary>
    /// Serves the model named by the configuration section <c>Classifier</c> (<c>ModelPath</c>, <c>Batching</c>,
    /// <c>MaxBatchSize</c>, <c>MaxBatchDelay</c>, <c>MaxRequestBytes</c>, <c>ReloadCheckInterval</c>): registers
    /// <see cref="ServedClassifier"/>, the model watcher and batcher (hosted services), the health check "classifier"
    /// and the meter "TransferLearning.ImageClassification.Hosting".
    /// </summary>
    public static IServiceCollection AddTransferClassifier(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddTransferClassifier(options => configuration.GetSection(ClassifierOptions.Section).Bind(options));
    }

    /// <summary>Serves a classifier configured in code; see the other overload for what is registered.</summary>
    public static IServiceCollection AddTransferClassifier(this IServiceCollection services, Action<ClassifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ClassifierOptions>().Configure(configure).Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<ClassifierMetrics>();
        services.AddSingleton<ModelSlot>();
        services.AddSingleton<PredictionBatcher>();
        services.AddSingleton(sp => new ServedClassifier(
            sp.GetRequiredService<ModelSlot>(), sp.GetRequiredService<PredictionBatcher>(), sp.GetRequiredService<IOptions<ClassifierOptions>>()));
        services.AddHostedService<ModelWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<PredictionBatcher>());
        services.AddHealthChecks().AddCheck<ClassifierHealthCheck>("classifier");
        return services;
    }
}
