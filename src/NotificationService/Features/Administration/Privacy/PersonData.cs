namespace NotificationService.Features.Administration.Privacy;

/// <summary>
/// The registry of every column that can hold a person, which a new table must join: each is listed under the erase
/// report's item (`counts` of `GET /users/erasures/{jobId}`) whose step erases it, or as holding no person, with why.
/// A column "can hold a person" when its name says so (user_id, user_ids, user_key, recipient…, email, phone, address…,
/// actor) or it is json/jsonb (free data can carry anyone); `Privacy/PersonDataRegistryTests` reads the live schema and
/// fails on such a column that is not here, on an entry whose column is gone, and on an item the report does not carry.
/// </summary>
public static class PersonData
{
    /// <summary>A column the erase empties or deletes, under the report item that counts it.</summary>
    public sealed record Erased(string Table, string Column, string ReportItem);

    /// <summary>A column that matches the rule but holds no person: configuration, ids, hashes, counts.</summary>
    public sealed record NoPerson(string Table, string Column, string Why);

    /// <summary>A column that can hold a person that the erase does not reach yet: known, named, and said in the docs.</summary>
    public sealed record NotErasedYet(string Table, string Column, string Why);

    public static readonly Erased[] ErasedColumns =
    [
        new("recipient_profiles", "user_id", "profile"), new("recipient_profiles", "email", "profile"),
        new("recipient_profiles", "phone", "profile"),
        new("recipient_profiles", "data", "profile"), new("recipient_profiles", "chat", "profile"),
        new("notifications", "recipient", "notifications"), new("notifications", "content", "notifications"),
        new("notifications", "data", "notifications"),
        new("notifications", "metadata", "notifications"), new("notifications", "address", "notifications"),
        new("sandbox_messages", "recipient", "sandboxMessages"), new("sandbox_messages", "content", "sandboxMessages"),
        new("webhook_deliveries", "payload", "webhookDeliveries"),
        new("inbox_items", "user_id", "inboxItems"), new("inbox_items", "data", "inboxItems"), new("inbox_items", "actions", "inboxItems"),
        new("inbox_counters", "user_id", "inboxState"), new("inbox_events", "user_id", "inboxState"),
        new("inbox_events", "payload", "inboxState"),
        new("devices", "user_id", "devices"),
        new("user_preferences", "user_key", "preferences"), new("user_preferences", "channels", "preferences"),
        new("user_preferences", "categories", "preferences"), new("user_preferences", "quiet_hours", "preferences"),
        new("user_preferences", "topics", "preferences"),
        new("user_preferences", "digests", "preferences"),
        new("suppressions", "address", "suppressions"),
        new("provider_callback_parked", "event", "parkedCallbacks"),
        new("audit_log", "before", "auditEntries"), new("audit_log", "after", "auditEntries"),
        new("user_stream_tickets", "user_id", "streamTickets"),
        new("topic_members", "user_id", "topicMemberships"),
        new("topic_events", "data", "topicEvents"),
        new("workflow_runs", "user_id", "workflowRuns"), new("workflow_runs", "actor", "workflowRuns"),
        new("workflow_runs", "data", "workflowRuns"),
        new("workflow_runs", "machine", "workflowRuns"), new("workflow_runs", "start_lines", "workflowRuns"),
        new("workflow_waits", "user_id", "workflowRuns"),
        new("digest_windows", "user_id", "workflowRuns"), new("digest_windows", "digest_key", "workflowRuns"),
        new("digest_windows", "actors", "workflowRuns"),
        new("digest_windows", "passed_summary", "workflowRuns"), new("digest_windows", "summary", "workflowRuns"),
        new("digest_events", "actor_key", "workflowRuns"),
        new("throttle_windows", "user_id", "workflowRuns"), new("throttle_windows", "throttle_key", "workflowRuns"),
        new("bulk_jobs", "preview", "bulkFiles"), new("bulk_errors", "original", "bulkErrorRows"),
        new("fan_out_chunks", "user_ids", "fanOuts"), new("fan_outs", "definition", "fanOuts"),
    ];

    private const string Configuration = "the tenant's configuration, written by its admins: not about a recipient";

    public static readonly NoPerson[] NoPersonColumns =
    [
        new("audit_log", "actor", "who acted: a service key's prefix or a console member, never an end user"),
        new("batches", "definition",
            "send-batch's request with its recipients taken out before it is stored (BatchHandler): channel, template or content, " +
            "data and metadata the same for every recipient; no userId, address or per-recipient data, which live in each notification"),
        new("bulk_jobs", "options", "a CSV job's options (channel, template, column mapping)"),
        new("members", "email", "a console member's sign-in address: one of the tenant's own admins, not an end user the erase is about; " +
            "removing the member (DELETE /api/v1/admin/members/{id}) deletes it"),
        new("erase_jobs", "counts", "numbers of rows erased"),
        new("jobs", "args", "ids and kinds only: an erase's subject is kept encrypted in erase_jobs, never in job arguments"),
        new("notification_categories", "channels", Configuration), new("providers", "settings", Configuration),
        new("template_versions", "parts", Configuration), new("template_versions", "partials", Configuration),
        new("workflow_versions", "definition", Configuration),
        new("tenant_config_jobs", "outcome", "an export's or import's counts, or the fields of the tenant's configuration that stopped it"),
        new("fan_outs", "quota_prepaid", "a topic send's quota charge at accept: channels, months and counts"),
        new("fan_outs", "quota_limits", "how many of a fan-out's members each channel's quota took: channels and counts"),
    ];

    /// <summary>None left: a column added here is said in the docs' erase section until the erase reaches it.</summary>
    public static readonly NotErasedYet[] NotErasedYetColumns = [];

    /// <summary>The report items the registry names: each erase's `counts` carries every one of them.</summary>
    public static IEnumerable<string> ReportItems => ErasedColumns.Select(c => c.ReportItem).Distinct();
}
