using Spectre.Console;

namespace CatsDogs.Console.Tests.Support;

/// <summary>Runs the CLI in-process, as in an 80-column terminal, capturing what it prints.</summary>
internal static class CliRun
{
    /// <summary>The tests that run the CLI share one collection: they swap the process's console, so they take turns.</summary>
    public const string Collection = "CLI runs";

    /// <summary>Runs the CLI as in an 80-column terminal, returning its exit code and what it printed.</summary>
    public static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        // Spectre.Console keeps the writer it first saw, so give it this run's writer too.
        var (originalOut, originalConsole) = (System.Console.Out, AnsiConsole.Console);
        using var output = new StringWriter();
        System.Console.SetOut(output);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        AnsiConsole.Console.Profile.Width = 80;
        try
        {
            var code = await Cli.Create().Parse(args).InvokeAsync();
            return (code, output.ToString());
        }
        finally
        {
            System.Console.SetOut(originalOut);
            AnsiConsole.Console = originalConsole;
        }
    }

    public static async Task<(int Code, string Error)> RunCapturingErrorsAsync(params string[] args)
    {
        var original = System.Console.Error;
        using var error = new StringWriter();
        System.Console.SetError(error);
        try
        {
            return ((await RunAsync(args)).Code, error.ToString());
        }
        finally
        {
            System.Console.SetError(original);
        }
    }
}
