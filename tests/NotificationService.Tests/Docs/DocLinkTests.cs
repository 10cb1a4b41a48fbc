namespace NotificationService.Tests.Docs;

/// <summary>
/// Every relative link of README.md, docs/*.md, TESTING_GUIDE.md and BENCHMARKS.md reaches a file that exists, and
/// every <c>#anchor</c> names a heading of its page by GitHub's slug rules. External links are not fetched (no
/// network is assumed); they must be well-formed absolute URLs.
/// </summary>
public class DocLinkTests
{
    [Fact]
    public void Every_relative_link_and_anchor_of_the_docs_resolves_and_every_external_link_is_well_formed()
    {
        var dead = new List<string>();
        var checkedLinks = 0;
        foreach (var link in MarkdownDocs.LinkedPages().SelectMany(MarkdownDocs.Links))
        {
            checkedLinks++;
            var where = $"{link.File}:{link.Line} → {link.Target}";
            if (link.Target.StartsWith("http://") || link.Target.StartsWith("https://"))
            {
                if (!Uri.TryCreate(link.Target, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) dead.Add($"{where}: not a well-formed URL");
                continue;
            }
            if (link.Target.StartsWith("mailto:")) continue;
            var hash = link.Target.IndexOf('#');
            var path = hash < 0 ? link.Target : link.Target[..hash];
            var anchor = hash < 0 ? null : link.Target[(hash + 1)..];
            var file = path.Length == 0 ? link.File : Path.GetRelativePath(MarkdownDocs.Root,
                Path.GetFullPath(Path.Combine(MarkdownDocs.Root, Path.GetDirectoryName(link.File)!, Uri.UnescapeDataString(path))));
            var full = Path.Combine(MarkdownDocs.Root, file);
            if (!File.Exists(full) && !Directory.Exists(full)) { dead.Add($"{where}: no file {file}"); continue; }
            if (anchor is not null && file.EndsWith(".md") && !MarkdownDocs.Anchors(file).Contains(anchor))
                dead.Add($"{where}: no heading of {file} has the anchor #{anchor}");
        }
        Assert.True(checkedLinks > 0, "the docs should have links to check");
        Assert.True(dead.Count == 0, "dead links:\n" + string.Join("\n", dead));
    }

    [Theory]
    [InlineData("Quick start", "quick-start")]
    [InlineData("What is built and what is not", "what-is-built-and-what-is-not")]
    [InlineData("Topics and live events", "topics-and-live-events")]
    [InlineData("`Queue:BatchSize` (per replica)", "queuebatchsize-per-replica")]
    [InlineData("The cost of one notification", "the-cost-of-one-notification")]
    public void Anchors_follow_GitHubs_slug_rules(string heading, string anchor) =>
        Assert.Equal(anchor, MarkdownDocs.Slug(heading));
}
