using NotificationService.Workflows.Runs;

namespace NotificationService.Workflows.Tests.Runs;

/// <summary>The run's state as its row stores it: what the status says already is not stored again, and a state stored
/// when it was reads back the same.</summary>
public class RunStateJsonTests
{
    private static readonly RunState Waiting = new(RunStatus.Waiting, "batch", RunPhase.Waiting, 1, new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero),
        new Dictionary<string, string> { ["batch"] = "digesting" });

    [Fact]
    public void A_stored_state_leaves_out_what_its_status_says_and_reads_back_equal()
    {
        var json = RunStateJson.Serialize(Waiting);
        Assert.DoesNotContain("isEnded", json);
        Assert.DoesNotContain("isTerminal", json);
        var read = RunStateJson.Deserialize(json);
        Assert.Equal((Waiting.Status, Waiting.Cursor, Waiting.Phase, Waiting.Seq, Waiting.DueAt), (read.Status, read.Cursor, read.Phase, read.Seq, read.DueAt));
        Assert.Equal(Waiting.Outcomes, read.Outcomes);
    }

    [Fact]
    public void A_state_stored_with_them_reads_back_by_its_status()
    {
        var read = RunStateJson.Deserialize("""
            {"seq": 2, "phase": "Ended", "status": "Completed", "isEnded": true, "outcomes": {"d": "delayed"}, "endReason": "bench", "isTerminal": true}
            """);
        Assert.Equal((RunStatus.Completed, RunPhase.Ended, 2, "bench"), (read.Status, read.Phase, read.Seq, read.EndReason));
        Assert.True(read.IsEnded && read.IsTerminal);
    }
}
