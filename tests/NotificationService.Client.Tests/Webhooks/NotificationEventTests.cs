using System.Text;
using NotificationService.Client.Webhooks;

namespace NotificationService.Client.Tests.Webhooks;

/// <summary>Each event type the service sends reads as its typed event; a type unknown to this client arrives untyped, never as an error.</summary>
public class NotificationEventTests
{
    private static NotificationEvent Parse(string json) => NotificationEvent.Parse(Encoding.UTF8.GetBytes(json), "msg_1");

    [Fact]
    public void A_status_change_reads_as_a_NotificationStatusEvent()
    {
        var e = Assert.IsType<NotificationStatusEvent>(Parse("""
            {"type":"notification.failed","timestamp":"2026-11-26T10:00:00.123Z","data":{"notificationId":"0193a6a4-0000-7000-8000-000000000001",
             "channel":"email","status":"failed","previousStatus":"sending","recipient":{"email":"a***@example.com"},"metadata":{"order":"O-1"},"error":"bounced"}}
            """));

        Assert.Equal(("msg_1", "notification.failed", "failed", "sending", "bounced"), (e.WebhookId, e.Type, e.Status, e.PreviousStatus, e.Error));
        Assert.Equal(Guid.Parse("0193a6a4-0000-7000-8000-000000000001"), e.NotificationId);
        Assert.Equal("O-1", e.Metadata!["order"]!.GetValue<string>());
    }

    [Fact]
    public void Bulk_job_and_workflow_run_endings_read_as_their_events()
    {
        var bulk = Assert.IsType<BulkJobCompletedEvent>(Parse("""
            {"type":"bulk_job.completed","timestamp":"2026-11-26T10:00:00.000Z","data":{"jobId":"0193a6a4-0000-7000-8000-000000000002","status":"completed",
             "dryRun":false,"fileName":"c.csv","totalRows":3,"acceptedRows":2,"rejectedRows":1,"duplicateRows":0,"finishedAt":"2026-11-26T10:00:00.000Z"}}
            """));
        var run = Assert.IsType<WorkflowRunEndedEvent>(Parse("""
            {"type":"workflow.run.cancelled","timestamp":"2026-11-26T10:00:00.000Z","data":{"runId":"0193a6a4-0000-7000-8000-000000000003",
             "workflow":"order-update","version":2,"userId":"u-7","state":"cancelled","reason":null,"cancellationKey":"order-1"}}
            """));

        Assert.Equal((3, 1), (bulk.Job.TotalRows, bulk.Job.RejectedRows));
        Assert.Equal(("order-update", 2, "u-7", "cancelled"), (run.Run.Workflow, run.Run.Version, run.Run.UserId, run.Run.State));
    }

    [Fact]
    public void An_unknown_type_or_an_unexpected_shape_arrives_as_an_UnknownEvent_with_its_data()
    {
        var unknown = Assert.IsType<UnknownEvent>(Parse("""{"type":"inbox.exploded","timestamp":"2026-11-26T10:00:00Z","data":{"pieces":3}}"""));
        var odd = Assert.IsType<UnknownEvent>(Parse("""{"type":"notification.sent","timestamp":"2026-11-26T10:00:00Z","data":[1,2]}"""));

        Assert.Equal(("inbox.exploded", 3), (unknown.Type, unknown.Data.GetProperty("pieces").GetInt32()));
        Assert.Equal("notification.sent", odd.Type);
    }
}
