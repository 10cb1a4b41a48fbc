using System.CommandLine;
using System.CommandLine.Parsing;

namespace NotificationService.Hosting;

/// <summary>
/// What the command line may carry besides commands and their options: configuration for the host, in the forms .NET's
/// command-line configuration reads (`--key value`, `--key=value`, `/key value`, `key=value`). A bare word that no
/// command took and no `--key` before it takes as its value is a mistake (a misspelt or unknown command): it would be
/// ignored by the configuration, and the root command's action (serve) would start the whole service for it. Mistakes
/// and parse errors exit <see cref="UsageError"/> with the usage on stderr, before any command runs.
/// </summary>
public static class CliUsage
{
    /// <summary>The exit status of a command line the binary cannot run (as shells and sysexits use 2 for usage).</summary>
    public const int UsageError = 2;

    /// <summary>The tokens no command took that are not configuration: commands the binary does not know.</summary>
    public static IReadOnlyList<string> UnknownWords(IReadOnlyList<string> unmatched)
    {
        var unknown = new List<string>();
        for (var i = 0; i < unmatched.Count; i++)
        {
            var token = unmatched[i];
            if (token.Contains('=')) continue;                                   // key=value, --key=value
            if (token.Length > 1 && token[0] is '-' or '/') { i++; continue; }   // --key value: the next token is its value
            unknown.Add(token);
        }
        return unknown;
    }

    /// <summary>Null when the command line can run; else writes what is wrong and the usage to stderr and answers 2.</summary>
    public static int? Refuse(ParseResult parsed)
    {
        var problems = parsed.Errors.Select(e => e.Message)
            .Concat(UnknownWords(parsed.UnmatchedTokens).Select(w => $"Unrecognized command or argument '{w}'.")).ToList();
        if (problems.Count == 0) return null;
        foreach (var problem in problems) Console.Error.WriteLine(problem);
        Console.Error.WriteLine();
        Print(parsed.RootCommandResult.Command, parsed.CommandResult, Console.Error);
        return UsageError;
    }

    /// <summary>The usage of <paramref name="command"/> (the root's when null), as `--help` prints it, written to
    /// <paramref name="to"/>.</summary>
    public static void Print(Command root, CommandResult? command, TextWriter to)
    {
        var path = new List<string> { "--help" };
        for (var c = command; c?.Parent is CommandResult parent; c = parent) path.Insert(0, c.Command.Name);
        root.Parse(path).Invoke(new InvocationConfiguration { Output = to });
    }
}
