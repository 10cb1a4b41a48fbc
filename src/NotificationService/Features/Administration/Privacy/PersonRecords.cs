using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Sending.Bulk;
using NotificationService.Features.People.Devices;
using NotificationService.Features.People.EndUserAuth;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Preferences;
using NotificationService.Features.Sending.ProviderCallbacks;
using NotificationService.Features.Sending.Suppressions;
using NotificationService.Features.Sending.Topics;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Queue;

namespace NotificationService.Features.Administration.Privacy;

/// <summary>
/// The erase's work outside the person's notifications, one owner's statement each (each idempotent, so a resumed erase
/// simply runs it again): stored CSV files, error rows and previews (<see cref="BulkErasure"/>); devices, preferences (the
/// user's and their addresses'), suppressions of their addresses, remembered idempotent answers, parked provider events,
/// audit entries and job errors that mention them, stream tickets, topic memberships, their place in running fan-outs'
/// chunks and in fan-outs' exclude lists, workflow runs (with their timelines,
/// sends and waits) and topic events whose data mentions them; and at the end the inbox counters and stream events.
/// Every table that can hold a person is listed in <see cref="PersonData"/>, under the report item that erases it.
/// </summary>
public sealed class PersonRecords(NpgsqlDataSource db, BulkErasure bulk, DeviceStore devices, PreferenceStore preferences,
    SuppressionStore suppressions, AuditLog audit, JobQueue queue, StreamTicketStore tickets, InboxStore inbox, BulkJobStore bulkJobStore,
    TopicStore topics, TopicEventStore topicEvents, RunErasure runs, FanOutStore fanOuts)
{
    public Task<Guid[]> StillRunningAsync(Guid tenantId, Guid[] bulkJobs, CancellationToken ct) =>
        bulkJobStore.StillRunningAsync(tenantId, bulkJobs, ct);

    public Task<BulkErasureResult> ForgetFilesAsync(Guid tenantId, EraseSubject subject, CancellationToken ct) =>
        bulk.ForgetAsync(tenantId, subject.SearchValues, ct);

    public async Task<JsonObject> ForgetRecordsAsync(Guid tenantId, EraseSubject subject, CancellationToken ct)
    {
        var values = subject.SearchValues;
        return new JsonObject
        {
            ["devices"] = await devices.ForgetUserAsync(tenantId, subject.UserId, ct),
            ["preferences"] = await preferences.ForgetAsync(tenantId, subject.PreferenceKeys, ct),
            ["suppressions"] = await suppressions.ForgetAsync(tenantId, subject.Addresses, ct),
            ["idempotencyKeys"] = await IdempotencyStore.ForgetAsync(db, tenantId, values, ct),
            ["parkedCallbacks"] = await ParkedCallbacks.ForgetAsync(db, tenantId, values, ct),
            ["auditEntries"] = await audit.RedactAsync(tenantId, values, ct),
            ["jobErrors"] = await queue.RedactErrorsAsync(tenantId, values, ct),
            ["streamTickets"] = await tickets.ForgetUserAsync(tenantId, subject.UserId, ct),
            ["topicMemberships"] = await topics.ForgetMemberAsync(tenantId, subject.UserId, ct),
            // After the memberships: a fan-out snapshotting from now on no longer finds them; one that did is cleaned here.
            ["fanOuts"] = await fanOuts.ForgetMemberAsync(tenantId, subject.UserId, ct),
            ["topicEvents"] = await topicEvents.ForgetMentionsAsync(tenantId, values, ct),
            ["workflowRuns"] = await runs.ForgetUserAsync(tenantId, subject.UserId, ct),
        };
    }

    /// <summary>The inbox's per-user state, once no delivery of the person's can add to it any more.</summary>
    public Task<int> ForgetInboxAsync(Guid tenantId, EraseSubject subject, CancellationToken ct) =>
        inbox.ForgetUserAsync(tenantId, subject.UserId, ct);
}
