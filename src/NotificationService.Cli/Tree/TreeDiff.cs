namespace NotificationService.Cli.Tree;

/// <summary>One object whose files differ between two trees, in words: which files changed, were added or went.</summary>
public sealed record ObjectChange(string Object, string Words, IReadOnlyList<string> Files);

/// <summary>
/// What differs from a tree <c>from</c> (the service's configuration) to a tree <c>to</c> (the directory): per object,
/// in words, and as a unified diff of each changed file, with the `--- a/` and `+++ b/` headers git uses. Only the files a
/// pull writes are compared (a `sample.json` is the user's, not configuration), and the words say what a push would do:
/// an object only in the service stays there (a push never deletes), and providers and webhook endpoints are not pushed.
/// </summary>
public static class TreeDiff
{
    public const string OnlyInService = "only in the service (a push leaves it there; a pull brings it here)";
    public const string NotPushed = " (not pushed: managed in the console)";

    public static IReadOnlyList<ObjectChange> Objects(ConfigTree from, ConfigTree to)
    {
        // The manifest records the pull (format, revision), not an object of the tenant's.
        static IEnumerable<string> Compared(ConfigTree tree) =>
            tree.Files.Keys.Where(p => p != ConfigTree.ManifestFile && TreeLayout.IsConfigurationFile(p));
        var changed = Compared(from).Union(Compared(to)).Order(StringComparer.Ordinal)
            .Where(p => from.Files.GetValueOrDefault(p) != to.Files.GetValueOrDefault(p));
        var (before, after) = (Compared(from).Select(ObjectOf).ToHashSet(), Compared(to).Select(ObjectOf).ToHashSet());
        return changed.GroupBy(ObjectOf).Select(g =>
        {
            var files = g.ToList();
            var words = !before.Contains(g.Key) ? "new" : !after.Contains(g.Key) ? OnlyInService
                : "changed: " + string.Join(", ", files.Select(f => TreeNames.FromFileName(f[(f.LastIndexOf('/') + 1)..])
                    + (from.Files.ContainsKey(f) ? to.Files.ContainsKey(f) ? "" : " removed" : " added")));
            if (files[0].StartsWith("providers/", StringComparison.Ordinal) || files[0].StartsWith("webhooks/", StringComparison.Ordinal))
                words += NotPushed;
            return new ObjectChange(g.Key, words, files);
        }).ToList();
    }

    /// <summary>The object a tree file belongs to, as a reader names it.</summary>
    public static string ObjectOf(string path)
    {
        var s = path.Split('/');
        static string Stem(string file) => TreeNames.FromFileName(Path.GetFileNameWithoutExtension(file));
        return s[0] switch
        {
            "templates" when s.Length >= 3 => $"template {TreeNames.FromFileName(s[1])} ({TreeNames.FromFileName(s[2])})",
            "layouts" => $"layout {Stem(s[^1])}",
            "partials" => $"partial {Stem(s[^1])}",
            "workflows" => $"workflow {Stem(s[^1])}",
            "categories" => $"category {Stem(s[^1])}",
            "topics" => $"topic {Stem(s[^1])}",
            "providers" when s.Length == 3 => Provider(Path.GetFileNameWithoutExtension(s[2]), TreeNames.FromFileName(s[1])),
            "webhooks" => "webhook endpoints",
            _ => path,
        };
    }

    /// <summary>A provider as a reader names it: its name and channel, and its id when it shares its name (`NAME~ID.json`).</summary>
    private static string Provider(string stem, string channel)
    {
        var tilde = stem.LastIndexOf('~');
        return tilde > 0 && Guid.TryParse(stem[(tilde + 1)..], out var id)
            ? $"provider {TreeNames.FromFileName(stem[..tilde])} ({channel}, {id})"
            : $"provider {TreeNames.FromFileName(stem)} ({channel})";
    }

    /// <summary>A unified diff of one file (null when absent on a side), three lines of context.</summary>
    public static string Unified(string path, string? from, string? to)
    {
        var a = Lines(from);
        var b = Lines(to);
        var ops = Script(a, b);
        var output = new System.Text.StringBuilder();
        output.Append(from is null ? "--- /dev/null\n" : $"--- a/{path}\n").Append(to is null ? "+++ /dev/null\n" : $"+++ b/{path}\n");
        const int context = 3;
        var changes = Enumerable.Range(0, ops.Count).Where(k => ops[k].Kind != ' ').ToList();
        for (var c = 0; c < changes.Count;)
        {
            // Changes closer than twice the context share a hunk, as diff -u groups them.
            var last = c;
            while (last + 1 < changes.Count && changes[last + 1] - changes[last] <= 2 * context) last++;
            var first = Math.Max(0, changes[c] - context);
            var end = Math.Min(ops.Count, changes[last] + context + 1);
            var hunk = ops.GetRange(first, end - first);
            var aStart = ops.Take(first).Count(o => o.Kind != '+');
            var bStart = ops.Take(first).Count(o => o.Kind != '-');
            int aCount = hunk.Count(o => o.Kind != '+'), bCount = hunk.Count(o => o.Kind != '-');
            output.Append($"@@ -{aStart + (aCount > 0 ? 1 : 0)},{aCount} +{bStart + (bCount > 0 ? 1 : 0)},{bCount} @@\n");
            foreach (var op in hunk) output.Append(op.Kind).Append(op.Line).Append('\n');
            c = last + 1;
        }
        return output.ToString();
    }

    private static string[] Lines(string? text) => text is null or "" ? [] : text.TrimEnd('\n').Split('\n');

    /// <summary>The edit script of a longest common subsequence: template files are small, so the table is too.</summary>
    private static List<(char Kind, string Line)> Script(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var ops = new List<(char, string)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
            if (x < a.Length && y < b.Length && a[x] == b[y]) { ops.Add((' ', a[x])); x++; y++; }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
                ops.Add(('-', a[x++]));   // removals first, as diff -u
            else ops.Add(('+', b[y++]));
        return ops;
    }
}
