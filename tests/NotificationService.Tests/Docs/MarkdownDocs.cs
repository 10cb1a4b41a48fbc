using System.Text;
using System.Text.RegularExpressions;
using NotificationService.Tests.Architecture;

namespace NotificationService.Tests.Docs;

/// <summary>
/// The project's documentation as the specs read it: README.md, docs/**/*.md, TESTING_GUIDE.md, BENCHMARKS.md; their
/// fenced code blocks (with the <c>&lt;!-- example: not-run (why) --&gt;</c> mark before a block, if any), their
/// headings as GitHub anchors and their links.
/// </summary>
public static partial class MarkdownDocs
{
    public sealed record Block(string File, int Line, string Language, string Code, string? NotRunMark);
    public sealed record Link(string File, int Line, string Target);

    public static string Root => SourceModel.RepoRoot();

    /// <summary>The pages whose shell examples must run: the README and every page under docs/, found rather than
    /// listed, so a new page's examples run without anyone adding it here.</summary>
    public static IEnumerable<string> ExamplePages() =>
        new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal));

    /// <summary>Every page a user reads: the example pages, the testing guide and the benchmarks.</summary>
    public static IEnumerable<string> UserPages() => ExamplePages().Concat(["TESTING_GUIDE.md", "BENCHMARKS.md"]);

    /// <summary>The pages whose links must resolve.</summary>
    public static IEnumerable<string> LinkedPages() => UserPages();

    public static readonly string[] ShellLanguages = ["bash", "sh", "shell", "console"];

    public static List<Block> Blocks(string page)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, page));
        var blocks = new List<Block>();
        for (var i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success) continue;
            var start = i;
            var code = new StringBuilder();
            for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```"); i++) code.AppendLine(lines[i]);
            var previous = start > 0 ? lines[start - 1].Trim() : "";
            blocks.Add(new Block(page, start + 1, open.Groups[1].Value, code.ToString(),
                previous.StartsWith("<!-- example:") ? previous : null));
        }
        return blocks;
    }

    /// <summary>Lines outside fenced blocks, with their 1-based numbers.</summary>
    public static IEnumerable<(int Line, string Text)> Prose(string page)
    {
        var inFence = false;
        var lines = File.ReadAllLines(Path.Combine(Root, page));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```")) { inFence = !inFence; continue; }
            if (!inFence) yield return (i + 1, lines[i]);
        }
    }

    /// <summary>The anchors GitHub gives the page's headings: lower case, punctuation dropped, spaces to hyphens,
    /// a repeated slug suffixed -1, -2, …</summary>
    public static HashSet<string> Anchors(string page)
    {
        var seen = new Dictionary<string, int>();
        var anchors = new HashSet<string>();
        foreach (var (_, text) in Prose(page))
        {
            var heading = Heading().Match(text);
            if (!heading.Success) continue;
            var slug = Slug(heading.Groups[1].Value);
            var n = seen.GetValueOrDefault(slug);
            seen[slug] = n + 1;
            anchors.Add(n == 0 ? slug : $"{slug}-{n}");
        }
        return anchors;
    }

    public static string Slug(string heading)
    {
        var text = Regex.Replace(heading.Trim(), @"\[([^\]]*)\]\([^)]*\)", "$1").ToLowerInvariant();
        var slug = new StringBuilder();
        foreach (var c in text)
            if (char.IsLetterOrDigit(c) || c is '-' or '_') slug.Append(c);
            else if (c == ' ') slug.Append('-');
        return slug.ToString();
    }

    public static IEnumerable<Link> Links(string page) =>
        from line in Prose(page)
        let withoutCode = Regex.Replace(line.Text, "`[^`]*`", "")
        from Match m in MarkdownLink().Matches(withoutCode)
        select new Link(page, line.Line, m.Groups[1].Value.Trim());

    [GeneratedRegex(@"^\s*```\s*([A-Za-z]*)")] private static partial Regex Fence();
    [GeneratedRegex(@"^#{1,6}\s+(.*?)\s*#*\s*$")] private static partial Regex Heading();
    [GeneratedRegex(@"\]\(([^)\s]+)(?:\s+""[^""]*"")?\)")] private static partial Regex MarkdownLink();
}
