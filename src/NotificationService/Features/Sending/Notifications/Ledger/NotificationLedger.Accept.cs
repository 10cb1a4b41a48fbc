using System.Text.Json.Nodes;
using NpgsqlTypes;
using NotificationService.Contracts;

namespace NotificationService.Features.Sending.Notifications;

public sealed partial class NotificationLedger
{
    /// <summary>
    /// Inserts accepted notifications (status `queued`, each with the id of the job that will deliver it) inside the
    /// caller's transaction, then tells subscribers. The `accepted` and `queued` history entries are not stored: they are
    /// derived from created_at and send_at when the history is read (<see cref="NotificationQueries"/>), which saves two
    /// of five rows per notification.
    /// </summary>
    public async Task AcceptAsync(LedgerTransaction tx, IReadOnlyList<NotificationDraft> drafts, IReadOnlyList<long> jobIds,
        CancellationToken ct)
    {
        // Binary COPY rather than INSERT … SELECT unnest(…): measured on 2,000-row chunks it costs 9.5–12.7 µs per
        // notification against 15.5–17.9 (no per-row executor work, jsonb arrives without array wrapping).
        // Drafts of one fan-out, batch template or multi-channel send share their content, data and metadata: each is
        // serialized once per run of drafts that share it, not once per notification.
        var content = new LastJson<StoredContent>(c => c.ToJson());
        var data = new LastJson<JsonObject>(Json!);
        var metadata = new LastJson<JsonObject>(Json!);
        await using (var copy = await tx.Connection.BeginBinaryImportAsync(Sql.CopyAccepted, ct))
        {
            for (var i = 0; i < drafts.Count; i++)
            {
                var d = drafts[i];
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(d.Id, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(d.TenantId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(d.Channel, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(NotificationStatuses.Queued, NpgsqlDbType.Text, ct);
                await copy.WriteAsync((short)d.Priority, NpgsqlDbType.Smallint, ct);
                await copy.WriteAsync(d.Recipient.ToJson(), NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(d.TemplateKey, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(d.TemplateVersionId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(d.Locale, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(content.Of(d.Content), NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(data.Of(d.Data), NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(d.Category, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(metadata.Of(d.Metadata), NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(d.BatchId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(jobIds[i], NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(d.SendAt, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(d.OverridePreferences, NpgsqlDbType.Boolean, ct);
            }
            await copy.CompleteAsync(ct);
        }

        foreach (var s in _subscribers)
            if (s.Wants(NotificationStatuses.Accepted)) await s.OnAcceptedAsync(tx, drafts, ct);
        foreach (var o in _observers)
            if (o.Wants(NotificationStatuses.Accepted)) tx.AfterCommit(() => o.OnAccepted(drafts));
    }

    private static string? Json(JsonObject? value) => value?.ToJsonString();

    /// <summary>
    /// The JSON of the last value it was asked for, kept while the next asks for an equal one: the same instance for a
    /// JsonObject (reference equality), the same fields for a record such as <see cref="StoredContent"/>, which each
    /// recipient of a batch gets a copy of.
    /// </summary>
    private struct LastJson<T>(Func<T, string> serialize) where T : class
    {
        private T? _last;
        private string? _json;

        public string? Of(T? value)
        {
            if (value is null) return null;
            if (!EqualityComparer<T>.Default.Equals(value, _last)) (_last, _json) = (value, serialize(value));
            return _json;
        }
    }
}
