using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TransferLearning.ImageClassification.Hosting.Tests;

public sealed class ClassifierServiceCollectionExtensionsTests
{
    [Fact]
    public void Calling_it_twice_registers_no_service_twice_and_one_health_check()
    {
        var once = new ServiceCollection().AddTransferClassifier(o => o.ModelPath = "first.zip");
        var services = new ServiceCollection();
        services.AddTransferClassifier(o => o.ModelPath = "first.zip");
        services.AddTransferClassifier(o => o.MaxBatchSize = 8);

        Assert.Single(services, d => d.ServiceType == typeof(ServedClassifier));
        Assert.Equal(once.Count(d => d.ServiceType == typeof(IHostedService)), services.Count(d => d.ServiceType == typeof(IHostedService)));
        using var provider = services.BuildServiceProvider();
        var checks = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Equal(["classifier"], checks.Select(c => c.Name));
        var options = provider.GetRequiredService<IOptions<ClassifierOptions>>().Value;
        Assert.Equal(("first.zip", 8), (options.ModelPath, options.MaxBatchSize)); // the second call's settings add up
    }

    [Fact]
    public void Bad_settings_fail_with_one_options_validation_exception_naming_every_key()
    {
        var services = new ServiceCollection();
        services.AddTransferClassifier(o =>
        {
            o.MaxBatchSize = 0;
            o.MaxBatchDelay = TimeSpan.FromSeconds(-1);
            o.ReloadCheckInterval = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ClassifierOptions>>().Value);
        Assert.Equal(4, error.Failures.Count());
        foreach (var key in new[] { "Classifier:ModelPath", "Classifier:MaxBatchSize", "Classifier:MaxBatchDelay", "Classifier:ReloadCheckInterval" })
            Assert.Contains(error.Failures, f => f.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Good_settings_pass()
    {
        var services = new ServiceCollection();
        services.AddTransferClassifier(o => o.ModelPath = "model.zip");
        using var provider = services.BuildServiceProvider();

        Assert.Equal("model.zip", provider.GetRequiredService<IOptions<ClassifierOptions>>().Value.ModelPath);
    }
}
