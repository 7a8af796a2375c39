using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace CatsDogs.Console.Tests;

/// <summary>The deployment files stay runnable: the Indexed Job's command line is one the CLI accepts, for every pod.</summary>
public class ScaleOutTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void Every_pod_of_the_featurize_job_runs_a_command_line_the_cli_accepts()
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(Root, "deploy", "kubernetes", "featurize-job.yaml"))) yaml.Load(reader);
        var spec = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["spec"];
        var completions = int.Parse(((YamlScalarNode)spec["completions"]).Value!);
        var container = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)spec["template"])["spec"])["containers"])[0];
        var script = ((YamlScalarNode)((YamlSequenceNode)container["args"])[0]).Value!;

        Assert.Equal("Indexed", ((YamlScalarNode)spec["completionMode"]).Value);
        Assert.StartsWith("exec dotnet /app/catsdogs.dll ", script, StringComparison.Ordinal);
        for (var pod = 0; pod < completions; pod++)
        {
            var line = script.Replace("${JOB_COMPLETION_INDEX}", pod.ToString(), StringComparison.Ordinal)["exec dotnet /app/catsdogs.dll ".Length..];
            var arguments = Regex.Matches(line, "\"([^\"]*)\"|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToArray();

            var parsed = Cli.Create().Parse(arguments);

            Assert.Empty(parsed.Errors);
            Assert.Equal("featurize", parsed.CommandResult.Command.Name);
            Assert.Equal($"{pod}/{completions}", arguments[Array.IndexOf(arguments, "--shard") + 1]);
        }
    }

    [Fact]
    public void The_dockerfile_runs_the_cli_it_publishes()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "samples", "CatsDogs.Console", "Dockerfile"));

        Assert.Contains("dotnet publish samples/CatsDogs.Console", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/catsdogs.dll\"]", dockerfile, StringComparison.Ordinal);
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "CatsDogs.sln"))) return folder.FullName;
        throw new DirectoryNotFoundException("The repository root (CatsDogs.sln) is not above the test binaries.");
    }
}
