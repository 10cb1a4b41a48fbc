namespace NotificationService.Cli.Tree;

/// <summary>One object whose files differ between two trees, in words: which files changed, were added or went.</summary>
public sealed record ObjectChange(string Object, string Words, IReadOnlyList<string> Files);

/// <summary>
/// What differs from a tree <c>from</c> (the service's configuration) to a tree <c>to</c> (the directory): per object,
/// in words, and as a unified diff of each changed file, with the `--- a/` and `+++ b/` headers git uses.
/// </summary>
public static class TreeDiff
{
    public static IReadOnlyList<ObjectChange> Objects(ConfigTree from, ConfigTree to)
    {
        // The manifest records the pull (format, revision), not an object of the tenant's.
        var changed = from.Files.Keys.Union(to.Files.Keys).Order(StringComparer.Ordinal)
            .Where(p => p != ConfigTree.ManifestFile && from.Files.GetValueOrDefault(p) != to.Files.GetValueOrDefault(p));
        var (before, after) = (from.Files.Keys.Select(ObjectOf).ToHashSet(), to.Files.Keys.Select(ObjectOf).ToHashSet());
        return changed.GroupBy(ObjectOf).Select(g =>
        {
            var files = g.ToList();
            var words = !before.Contains(g.Key) ? "new" : !after.Contains(g.Key) ? "removed"
                : "changed: " + string.Join(", ", files.Select(f => f[(f.LastIndexOf('/') + 1)..]
                    + (from.Files.ContainsKey(f) ? to.Files.ContainsKey(f) ? "" : " removed" : " added")));
            return new ObjectChange(g.Key, words, files);
        }).ToList();
    }

    /// <summary>The object a tree file belongs to, as a reader names it.</summary>
    public static string ObjectOf(string path)
    {
        var s = path.Split('/');
        static string Stem(string file) => Path.GetFileNameWithoutExtension(file);
        return s[0] switch
        {
            "templates" when s.Length >= 3 => $"template {s[1]} ({s[2]})",
            "layouts" => $"layout {Stem(s[^1])}",
            "partials" => $"partial {Stem(s[^1])}",
            "workflows" => $"workflow {Stem(s[^1])}",
            "categories" => $"category {Stem(s[^1])}",
            "topics" => $"topic {Stem(s[^1])}",
            "providers" when s.Length == 3 => $"provider {Stem(s[2])} ({s[1]})",
            "webhooks" => "webhook endpoints",
            _ => path,
        };
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
