using HandlebarsDotNet.Collections;

namespace NotificationService.Templates.Tests;

/// <summary>
/// The fault in Handlebars.Net's binding-frame tables (<see cref="FixedSizeDictionary{TKey,TValue,TComparer}"/>, the
/// block-param and @data tables of every pooled frame), reproduced with the library's public API, and the reason
/// <see cref="FreshFrames"/> exists. A pooled frame's table is emptied by bumping a one-byte version: entries of an
/// older version stay in place, and 255 uses later they count as current again. The first specs fail the day an
/// upgrade fixes the library, saying so: FreshFrames may then go (docs/decisions/template-render-isolation.md).
/// Keys hash where the spec says (16 buckets of 7 slots: slot = (hash &amp; 15) × 7 + |hash % 7|), so nothing here
/// depends on the process's string hashes.
/// </summary>
public class FrameTableFaultTests
{
    private const string UpgradeFixedIt =
        "Handlebars.Net no longer has this fault: check the upgrade's FixedSizeDictionary and whether FreshFrames can go.";

    [Fact]
    public void Handlebars_Net_still_reads_an_entry_left_255_uses_earlier_as_current()
    {
        var table = NewTable();
        table.AddOrReplace("secret", "another render's value", out _);
        Reuse(table, times: 255);
        table.AddOrReplace("mine", "this render's value", out _);

        Assert.True(table.TryGetValue("secret", out var leaked) && (string?)leaked == "another render's value", UpgradeFixedIt);
    }

    [Fact]
    public void Handlebars_Net_still_writes_an_entry_at_index_0_where_it_is_never_found_again()
    {
        var table = Poisoned();
        table.AddOrReplace("K", "value", out var index);

        Assert.True(index.Index == 0 && !table.TryGetValue("K", out _), UpgradeFixedIt + $" (K went to {index.Index})");
    }

    [Fact]
    public void A_scrubbed_table_finds_what_is_written_to_it_and_nothing_left_before()
    {
        var table = Poisoned(); // both faults at once: J is an earlier use's entry that reads as current, its chain stale
        FreshFrames.Scrub(table);

        table.AddOrReplace("K", "value", out var index);
        Assert.NotEqual(0, index.Index);
        Assert.True(table.TryGetValue("K", out var found) && (string?)found == "value");
        Assert.False(table.TryGetValue("J", out _), "an entry of an earlier use read as current");
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void A_scrubbed_table_keeps_the_entries_the_frame_copied_from_its_parent()
    {
        var parent = NewTable();
        parent.AddOrReplace("J", "j", out _);
        parent.AddOrReplace("X", "x", out _); // collides with J: the copy must keep the chain
        var child = Poisoned();
        parent.CopyTo(child);
        FreshFrames.Scrub(child);

        Assert.True(child.TryGetValue("J", out var j) && (string?)j == "j");
        Assert.True(child.TryGetValue("X", out var x) && (string?)x == "x");
        child.AddOrReplace("K", "k", out _);
        Assert.True(child.TryGetValue("K", out var k) && (string?)k == "k");
    }

    [Fact]
    public void Every_frame_the_engine_opens_is_a_fresh_one()
    {
        var sources = Path.Combine(RepositoryRoot(), "src", "NotificationService.Templates");
        var opening = Directory.EnumerateFiles(sources, "*.cs", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "FreshFrames.cs" && File.ReadAllText(f).Contains("CreateFrame(", StringComparison.Ordinal))
            .Select(Path.GetFileName).ToList();
        Assert.True(opening.Count == 0, "open frames with FreshFrames.Create, not CreateFrame: " + string.Join(", ", opening));
    }

    /// <summary>J and X share slot 8 (X goes to 9 and J links to it), Y's own slot is 9, K's is 8.</summary>
    private static readonly Dictionary<string, int> Hashes = new() { ["J"] = 1, ["X"] = 1, ["K"] = 1, ["Y"] = 65, ["secret"] = 20, ["mine"] = 30 };

    private static FixedSizeDictionary<string, object?, SlotComparer> NewTable() => new(16, 7, new SlotComparer());

    /// <summary>A table as a pooled frame's can be: J (of the current version, after 255 uses) links to slot 9, which a
    /// later use emptied with <c>Clear</c> (index 0, version 0).</summary>
    private static FixedSizeDictionary<string, object?, SlotComparer> Poisoned()
    {
        var table = NewTable();
        table.AddOrReplace("J", "old", out _);
        table.AddOrReplace("X", "old", out _);
        table.Reset();
        table.AddOrReplace("Y", "old", out _);
        table.Clear();
        Reuse(table, times: 253);
        return table;
    }

    /// <summary>What the frame pool does when a frame comes back (outside the every-tenth clear).</summary>
    private static void Reuse(FixedSizeDictionary<string, object?, SlotComparer> table, int times)
    {
        for (var i = 0; i < times; i++) table.Reset();
    }

    private sealed class SlotComparer : IEqualityComparer<string>
    {
        public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);
        public int GetHashCode(string key) => Hashes[key];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotificationService.sln"))) return dir.FullName;
        throw new InvalidOperationException("NotificationService.sln not found above " + AppContext.BaseDirectory);
    }
}
