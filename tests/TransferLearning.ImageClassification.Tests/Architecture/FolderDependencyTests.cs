using System.Text.RegularExpressions;

namespace TransferLearning.ImageClassification.Tests.Architecture;

/// <summary>
/// The library's folders form a one-way stack (docs/architecture.md): each uses only the folders below it, so any stage
/// can be read, tested and changed without the ones above it.
/// </summary>
public sealed partial class FolderDependencyTests
{
    /// <summary>Lowest first; "" is the root namespace, the entry point (<c>TransferClassifierBuilder</c>).</summary>
    private static readonly string[] Stack =
    [
        "IO", "Data", "Preprocessing", "Backbones", "Downloads", "Quantization", "Features", "Head", "Novelty",
        "Evaluation", "Classification", "Training", "Experiments", "Explanations", "Export", "MLNet", "",
    ];

    [Fact]
    public void Every_folder_of_the_library_has_a_place_in_the_stack()
    {
        // Folders of code; buildTransitive holds the MSBuild file the package gives apps.
        var folders = Directory.GetDirectories(LibraryFolder()).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj" or "buildTransitive"));

        Assert.Empty(folders.Except(Stack));
    }

    [Fact]
    public void No_folder_uses_a_folder_above_it()
    {
        var violations =
            from file in Directory.EnumerateFiles(LibraryFolder(), "*.cs", SearchOption.AllDirectories)
            let folder = FolderOf(file)
            where folder is not null
            from used in Uses(File.ReadAllText(file))
            where Array.IndexOf(Stack, used) > Array.IndexOf(Stack, folder)
            select $"{Path.GetRelativePath(LibraryFolder(), file)} uses {(used.Length == 0 ? "the root namespace" : used)}";

        Assert.Empty(violations);
    }

    [Fact]
    public void The_check_sees_usings_qualified_names_and_the_root_entry_point_but_not_comments_or_strings()
    {
        const string code = """
            using TransferLearning.ImageClassification.Features;
            // using TransferLearning.ImageClassification.Export;
            var x = Training.DataChecks.NonFinite("see Explanations.Heatmap", y); /// <see cref="Head.DenseHead"/>
            var builder = new TransferClassifierBuilder();
            """;

        Assert.Equal(["", "Features", "Training"], Uses(code).Order());
    }

    /// <summary>The stack folders a file's code refers to: by using directive, by a qualified name, or the root's builder.</summary>
    private static IEnumerable<string> Uses(string code)
    {
        code = CommentOrString().Replace(code, "");
        var used = new HashSet<string>(Using().Matches(code).Select(m => m.Groups[1].Value));
        used.UnionWith(Stack.Where(f => f.Length > 0 && Regex.IsMatch(code, $@"(?<![\w.]){f}\.[A-Z]")));
        if (Regex.IsMatch(code, @"\bTransferClassifierBuilder\b")) used.Add("");
        return used.Intersect(Stack);
    }

    private static string? FolderOf(string file)
    {
        var relative = Path.GetRelativePath(LibraryFolder(), file).Split(Path.DirectorySeparatorChar);
        return relative.Length == 1 ? "" : relative[0] is "bin" or "obj" ? null : relative[0];
    }

    private static string LibraryFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "src", "TransferLearning.ImageClassification");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("src/TransferLearning.ImageClassification not found above the test binaries.");
    }

    [GeneratedRegex(@"//[^\n]*|""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex CommentOrString();

    [GeneratedRegex(@"using\s+(?:static\s+)?TransferLearning\.ImageClassification\.(\w+)")]
    private static partial Regex Using();
}
