using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TransferLearning.ImageClassification.Hosting;

/// <summary>Registers a served classifier, in the shape of ML.NET's <c>AddPredictionEnginePool</c>.</summary>
public static class ClassifierServiceCollectionExtensions
{
    /// <summary>
    /// Serves the model named by the configuration section <c>Classifier</c> (<c>ModelPath</c>, <c>Batching</c>,
    /// <c>MaxBatchSize</c>, <c>MaxBatchDelay</c>, <c>MaxRequestBytes</c>, <c>ReloadCheckInterval</c>): registers
    /// <see cref="ServedClassifier"/>, the model watcher and batcher (hosted services), the health check "classifier"
    /// and the meter "TransferLearning.ImageClassification.Hosting". Bad settings fail at start-up with an
    /// <see cref="OptionsValidationException"/> that lists every one. A second call adds its settings, not a second
    /// classifier.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The app's configuration root (e.g. <c>builder.Configuration</c>), whose
    /// <c>Classifier</c> section is read; not the section itself.</param>
    public static IServiceCollection AddTransferClassifier(
        this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services
            .AddTransferClassifier(options => configuration.GetSection(ClassifierOptions.Section).Bind(options));
    }

    /// <summary>Serves a classifier configured in code; see the other overload for what is registered.</summary>
    public static IServiceCollection AddTransferClassifier(
        this IServiceCollection services, Action<ClassifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ClassifierOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ClassifierOptions>, ClassifierOptionsValidator>());
        if (services.Any(d => d.ServiceType == typeof(ModelSlot)))
            return services; // served already: the settings above add up
        services.AddMetrics();
        services.TryAddSingleton<ClassifierMetrics>();
        services.TryAddSingleton<ModelSlot>();
        services.TryAddSingleton<PredictionBatcher>();
        services.TryAddSingleton(sp => new ServedClassifier(
            sp.GetRequiredService<ModelSlot>(), sp.GetRequiredService<PredictionBatcher>(),
            sp.GetRequiredService<IOptions<ClassifierOptions>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ModelWatcher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PredictionBatcher>(
            sp => sp.GetRequiredService<PredictionBatcher>()));
        services.AddHealthChecks().AddCheck<ClassifierHealthCheck>(ClassifierHealthCheck.Name);
        return services;
    }
}
