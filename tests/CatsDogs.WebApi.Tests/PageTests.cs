using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TransferLearning.ImageClassification.Tests.Support;

namespace CatsDogs.WebApi.Tests;

/// <summary>The page at GET /, in a real browser: Debian's chromium driven by Playwright, against the service on Kestrel.</summary>
public sealed class PageTests(TwoModelsFixture models) : IClassFixture<TwoModelsFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Uploading_an_image_shows_the_label_a_bar_per_class_and_the_heatmap()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: .ci/run installs Debian's chromium (apt-get install chromium).");
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.UseSetting("Classifier:ModelPath", models.TwoClasses));
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var image = Path.Combine(models.NewFolder(), "garment.png");
        await File.WriteAllBytesAsync(image, models.Images[0]);
        var expected = models.Reference.Predict(models.Images[0]);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(address);
        await page.SetInputFilesAsync("#file", image);
        await page.WaitForSelectorAsync("#result:not([hidden])", new PageWaitForSelectorOptions { Timeout = 30_000 });

        Assert.StartsWith(expected.Label, await page.InnerTextAsync("#label"));
        Assert.Equal(models.Reference.Classes.Count, await page.Locator("#bars .bar").CountAsync());
        Assert.True(await page.EvalOnSelectorAsync<int>("#overlay", "img => img.naturalWidth") > 0, "the heatmap image did not load");
        Assert.Contains("resnet18", await page.InnerTextAsync("#model"));
        Assert.True(await page.IsHiddenAsync("#unfamiliar"), "a garment from the classes was called unfamiliar");

        // Colour noise looks like none of the classes: the page says so in words, beside the label it still shows.
        var noise = new byte[80 * 60 * 4];
        new Random(3).NextBytes(noise);
        var unlike = Path.Combine(models.NewFolder(), "noise.png");
        await File.WriteAllBytesAsync(unlike, TestImages.EncodePixels(SkiaSharp.SKEncodedImageFormat.Png, 80, 60, noise));
        await page.SetInputFilesAsync("#file", unlike);
        await page.WaitForSelectorAsync("#unfamiliar:not([hidden])", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Contains("looks like none of the classes", await page.InnerTextAsync("#unfamiliar"));
        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "page.png"), FullPage = true });
    }
}
