using System.Text.RegularExpressions;

namespace NotificationService.Tests.Docs;

/// <summary>
/// The docs are for users, not a work journal: no page refers to an issue by number, carries the date or the hour some
/// work was done, or the machine's load average while it was; and each page stays readable in size. Dates that are
/// data (a <c>sendAt</c> in an example, <c>?from=2026-11-01</c>) live in code, which the date rule reads differently:
/// in prose (inline code left out) any calendar date is a stamp; in a code block only a date followed by a clock time
/// (<c>2026-11-25 23:19</c>, how a log or journal stamps its lines) is, since an ISO time (<c>2030-01-01T10:00Z</c>)
/// is an example's value.
/// </summary>
public partial class DocHygieneTests
{
    /// <summary>Sizes a reader can take in; a page past its bound has become a notebook or a reference to split.</summary>
    private static readonly Dictionary<string, int> MaxBytes = new()
    {
        ["docs/architecture.md"] = 25_000,
        ["docs/status.md"] = 8_000,
        ["BENCHMARKS.md"] = 25_000,
        ["TESTING_GUIDE.md"] = 20_000,
    };
    private const int DefaultMaxBytes = 40_000;

    public static TheoryData<string> Pages() => new(MarkdownDocs.UserPages());

    [Theory]
    [MemberData(nameof(Pages))]
    public void A_page_names_no_issue_number(string page)
    {
        var found = Lines(page)
            .Where(l => IsIssueReference(l.Text, l.InCode))
            .Select(l => $"{page}:{l.Line}: {l.Text.Trim()}").ToList();
        Assert.True(found.Count == 0, "say what the behaviour is, not which issue asked for it:\n" + string.Join("\n", found));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void A_page_carries_no_date_or_hour_of_work_and_no_load_average(string page)
    {
        var found = Lines(page).Where(l => IsWorkStamp(l.Text, l.InCode))
            .Select(l => $"{page}:{l.Line}: {l.Text.Trim()}").ToList();
        Assert.True(found.Count == 0, "when the work was done and how busy the machine was belong to git history, not the page:\n"
            + string.Join("\n", found));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void A_page_stays_within_its_size(string page)
    {
        var bytes = new FileInfo(Path.Combine(MarkdownDocs.Root, page)).Length;
        var max = MaxBytes.GetValueOrDefault(page, DefaultMaxBytes);
        Assert.True(bytes <= max, $"{page} is {bytes:N0} bytes; at most {max:N0}");
    }

    [Fact]
    public void Every_page_with_a_bound_of_its_own_exists() =>
        Assert.All(MaxBytes.Keys, page => Assert.Contains(page, MarkdownDocs.UserPages()));

    [Theory]
    [InlineData("Where issue 30's goals stand", true)]
    [InlineData("see #42 for the cause", true)]
    [InlineData("Issues 31 and 32 added profiles", true)]
    [InlineData("the `#3` item of `recipients[3]`", false)]
    [InlineData("[Scopes](#scopes) and &#42;", false)]
    public void The_issue_rule_tells_a_reference_from_an_anchor(string prose, bool isReference) =>
        Assert.Equal(isReference, IsIssueReference(prose, inCode: false));

    [Theory]
    [InlineData("(2026-11-25 23:19 – 11-26 00:13 UTC, load average 2.3–4.3)", false, true)]
    [InlineData("measured on 2026-11-25", false, true)]
    [InlineData("from 23:19 to 00:13 UTC", false, true)]
    [InlineData("`?from=2026-11-01` counts from that day", false, false)]
    [InlineData("  \"sendAt\": \"2030-01-01T10:00:00Z\",", true, false)]
    [InlineData("-H 'Idempotency-Key: outage-2030-12-01'", true, false)]
    [InlineData("run at 2026-11-25 23:19:04", true, true)]
    public void The_date_rule_tells_data_from_a_stamp(string text, bool inCode, bool isStamp) =>
        Assert.Equal(isStamp, IsWorkStamp(text, inCode));

    private static IEnumerable<(int Line, string Text, bool InCode)> Lines(string page)
    {
        var prose = MarkdownDocs.Prose(page).Select(p => p.Line).ToHashSet();
        var lines = File.ReadAllLines(Path.Combine(MarkdownDocs.Root, page));
        for (var i = 0; i < lines.Length; i++)
        {
            var inCode = !prose.Contains(i + 1);
            yield return (i + 1, lines[i], inCode);
        }
    }

    /// <summary>"issue 30" anywhere; "#42" in prose only (in code it is a shell's or a URL's own).</summary>
    private static bool IsIssueReference(string text, bool inCode) =>
        IssueWord().IsMatch(text) || (!inCode && IssueHash().IsMatch(WithoutInlineCode(text)));

    private static bool IsWorkStamp(string text, bool inCode) =>
        LoadAverage().IsMatch(text) || (inCode
            ? StampedDate().IsMatch(text)
            : AnyDate().IsMatch(WithoutInlineCode(text)) || ClockUtc().IsMatch(WithoutInlineCode(text)));

    private static string WithoutInlineCode(string text) => InlineCode().Replace(text, "");

    /// <summary>
    /// A reader pastes the examples and reads what they print: every curl of a shell example is silent about its progress
    /// (`-s`, which would otherwise mix a meter into the output) and still shows an error (`-S`).
    /// </summary>
    [Theory]
    [MemberData(nameof(Pages))]
    public void A_pages_curl_examples_print_no_progress_meter_and_show_errors(string page)
    {
        var found = MarkdownDocs.Blocks(page).Where(b => MarkdownDocs.ShellLanguages.Contains(b.Language))
            .SelectMany(b => CurlCall().Matches(b.Code).Select(m => (b.Line, Call: m.Value.Trim(), Flags: m.Groups[1].Value)))
            .Where(c => !c.Flags.Contains('s') || !c.Flags.Contains('S'))
            .Select(c => $"{page}:{c.Line}: {c.Call}").ToList();
        Assert.True(found.Count == 0, "write curl -fsS (or at least -sS):\n" + string.Join("\n", found));
    }

    [GeneratedRegex(@"\bcurl((?:\s+-[A-Za-z]+)*)")] private static partial Regex CurlCall();
    [GeneratedRegex(@"\bissues?\s+#?\d+", RegexOptions.IgnoreCase)] private static partial Regex IssueWord();
    [GeneratedRegex(@"(?<![\w&/])#\d+\b")] private static partial Regex IssueHash();
    [GeneratedRegex(@"load\s+average", RegexOptions.IgnoreCase)] private static partial Regex LoadAverage();
    [GeneratedRegex(@"\b(19|20)\d\d-[01]\d-[0-3]\d\b")] private static partial Regex AnyDate();
    [GeneratedRegex(@"\b(19|20)\d\d-[01]\d-[0-3]\d[ _]+[0-2]\d:[0-5]\d")] private static partial Regex StampedDate();
    [GeneratedRegex(@"\b[0-2]?\d:[0-5]\d(:[0-5]\d)?\s*(UTC|GMT)\b")] private static partial Regex ClockUtc();
    [GeneratedRegex("`[^`]*`")] private static partial Regex InlineCode();
}
