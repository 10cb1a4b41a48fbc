using System.CommandLine;
using NotificationService.Cli.Tree;

namespace NotificationService.Cli.Commands;

/// <summary>`validate DIR`: offline, no service needed; prints `file:line: message` per problem, exits 1 if any.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = "The tree (as `pull` wrote it)" };
        var command = new Command("validate", "Compile every template of a tree with the service's template engine, offline") { dir };
        command.SetAction(r => Run(r.GetRequiredValue(dir).FullName, Console.Out, Console.Error));
        return command;
    }

    public static int Run(string directory, TextWriter output, TextWriter errors)
    {
        if (!File.Exists(Path.Combine(directory, ConfigTree.ManifestFile)))
        {
            errors.WriteLine($"{directory}: no {ConfigTree.ManifestFile}; not a tree that `notifications pull` wrote.");
            return 1;
        }
        var tree = ConfigTree.Read(directory);
        var problems = TreeValidator.Validate(tree);
        foreach (var problem in problems) errors.WriteLine(problem);
        output.WriteLine(problems.Count == 0 ? $"{Count(TreeValidator.TemplateCount(tree), "template")} valid."
            : $"{Count(problems.Count, "problem")}.");
        return problems.Count == 0 ? 0 : 1;
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
