using Npgsql;
using NpgsqlTypes;
using NotificationService.Contracts;

namespace NotificationService.Features.Sending.Notifications;

public sealed partial class NotificationLedger
{
    /// <summary>Whether a subscriber writes on accept for these drafts, so they must be accepted in a transaction it can join.</summary>
    public async ValueTask<bool> AcceptNeedsTransactionAsync(IReadOnlyList<NotificationDraft> drafts, CancellationToken ct)
    {
        foreach (var s in _subscribers)
            if (s.Wants(NotificationStatuses.Accepted) && await s.WritesOnAcceptAsync(drafts, ct)) return true;
        return false;
    }

    /// <summary>
    /// Inserts accepted notifications and the jobs that deliver them (<paramref name="jobs"/>, from
    /// <see cref="Queue.JobQueue.EnqueueCommandAsync"/>) in one batch outside any transaction: PostgreSQL runs it in one
    /// implicit transaction, so both commit or neither does, in one round trip where a transaction of its own takes four
    /// (the job insert, the COPY's start and its rows, the commit). Only when <see cref="AcceptNeedsTransactionAsync"/>
    /// said no: there is no transaction for a subscriber to write in. Observers hear once it has committed.
    /// </summary>
    public async Task AcceptWithJobsAsync(NpgsqlBatchCommand jobs, IReadOnlyList<NotificationDraft> drafts, IReadOnlyList<long> jobIds,
        CancellationToken ct)
    {
        await using (var batch = db.CreateBatch())
        {
            batch.BatchCommands.Add(jobs);
            batch.BatchCommands.Add(AcceptCommand(drafts, jobIds));
            await batch.ExecuteNonQueryAsync(ct);
        }
        foreach (var o in _observers)
            if (o.Wants(NotificationStatuses.Accepted))
                try { o.OnAccepted(drafts); }
                catch (Exception e) { ObserverFailed(e); }
    }

    /// <summary><see cref="Sql.InsertAccepted"/> with the drafts' columns;
    /// shared objects serialized once per run, as the COPY does.</summary>
    private static NpgsqlBatchCommand AcceptCommand(IReadOnlyList<NotificationDraft> drafts, IReadOnlyList<long> jobIds)
    {
        var n = drafts.Count;
        var (ids, tenants, channels, priorities) = (new Guid[n], new Guid[n], new string[n], new short[n]);
        var (recipients, templateKeys, templateVersions, locales) = (new string[n], new string?[n], new Guid?[n], new string?[n]);
        var (contents, datas, categories, metadatas) = (new string?[n], new string?[n], new string?[n], new string?[n]);
        var (batches, jobs, sendAts, overrides) = (new Guid?[n], new long[n], new DateTimeOffset?[n], new bool[n]);
        var content = new LastJson<StoredContent>(c => c.ToJson());
        var data = new LastJson<System.Text.Json.Nodes.JsonObject>(Json!);
        var metadata = new LastJson<System.Text.Json.Nodes.JsonObject>(Json!);
        for (var i = 0; i < n; i++)
        {
            var d = drafts[i];
            (ids[i], tenants[i], channels[i], priorities[i]) = (d.Id, d.TenantId, d.Channel, (short)d.Priority);
            (recipients[i], templateKeys[i], templateVersions[i], locales[i]) =
                (d.Recipient.ToJson(), d.TemplateKey, d.TemplateVersionId, d.Locale);
            (contents[i], datas[i], categories[i], metadatas[i]) =
                (content.Of(d.Content), data.Of(d.Data), d.Category, metadata.Of(d.Metadata));
            (batches[i], jobs[i], sendAts[i], overrides[i]) = (d.BatchId, jobIds[i], d.SendAt, d.OverridePreferences);
        }
        var cmd = new NpgsqlBatchCommand(Sql.InsertAccepted);
        var p = cmd.Parameters;
        p.AddWithValue(ids);
        p.AddWithValue(tenants);
        p.AddWithValue(channels);
        p.AddWithValue(priorities);
        p.Add(Typed(NpgsqlDbType.Jsonb, recipients));
        p.Add(Typed(NpgsqlDbType.Text, templateKeys));
        p.Add(Typed(NpgsqlDbType.Uuid, templateVersions));
        p.Add(Typed(NpgsqlDbType.Text, locales));
        p.Add(Typed(NpgsqlDbType.Jsonb, contents));
        p.Add(Typed(NpgsqlDbType.Jsonb, datas));
        p.Add(Typed(NpgsqlDbType.Text, categories));
        p.Add(Typed(NpgsqlDbType.Jsonb, metadatas));
        p.Add(Typed(NpgsqlDbType.Uuid, batches));
        p.AddWithValue(jobs);
        p.Add(Typed(NpgsqlDbType.TimestampTz, sendAts));
        p.AddWithValue(overrides);
        return cmd;
    }

    private static NpgsqlParameter Typed(NpgsqlDbType element, object values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | element, Value = values };
}
