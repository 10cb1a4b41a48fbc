using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Notifications;

namespace NotificationService.Tests.Features.Automation.Digests;

/// <summary>
/// What an event joining its window writes, counted by PostgreSQL (a budget that holds on a busy machine): its event row,
/// inserted and never rewritten (the digest reads the kept events' data from their runs), and one update of its window.
/// That update writes no indexed column, and the pages keep room for the new versions, so nearly all are HOT: they do not
/// write the window's five indexes again. Packed pages made 0.15 of them HOT in the bench; events that held a copy of
/// their data rewrote the one that fell out of the window's last `keep` (0.94 updates per event).
/// </summary>
public class DigestWriteBudgetTests(DatabaseCounters counters, Xunit.Abstractions.ITestOutputHelper output) : DigestBudgetSpec(counters), IClassFixture<DatabaseCounters>
{
    private const int Triggers = 20;
    private const double HotShare = 0.8;

    [Fact]
    public async Task Events_joining_their_windows_are_inserted_once_and_rewrite_no_index_for_their_windows_count()
    {
        Dictionary<string, (long, long, long, long)> before;
        await using (var api = Host())
        {
            using var http = await TenantAsync(api);
            var readers = Enumerable.Range(0, Readers).Select(i => $"reader-{i}").ToArray();
            await http.TriggerAsync("comments", new { recipients = readers, data = new { threadId = "warm", text = "first use" } });
            before = await Counters.CountedAsync("digest_events", Readers);
            for (var t = 0; t < Triggers; t++)
                await http.TriggerAsync("comments", new { recipients = readers, data = new { threadId = "t1", text = $"comment {t}" }, actor = new { id = $"a{t}" } });
        }
        var work = await Counters.StopAsync(before, "digest_events", Readers * Triggers);

        // Exact: every join after a window's first updates it; no event is written twice.
        var joins = Readers * (Triggers - 1);
        output.WriteLine($"HOT: {work.Hot("digest_windows")} of {work.Updated("digest_windows")} window updates; {work.Updated("digest_events")} event updates");
        Assert.Equal((joins, 0L), (work.Updated("digest_windows"), work.Updated("digest_events")));
        Assert.True(work.Hot("digest_windows") >= HotShare * joins, $"{work.Hot("digest_windows")} of {joins} window updates were HOT");
    }
}
