using NotificationService.Infrastructure;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Tenancy.Quotas;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Bulk;

/// <param name="Runner">This run's token: a chunk or end commits only while the job's token is still this one.</param>
public sealed record BulkJobContext(Guid JobId, Guid TenantId, BulkOptions Options, Guid Runner);

/// <summary>
/// Commits one chunk of rows: accepted rows become notifications (set-based), repeats (found by the reader's
/// <see cref="RecipientSet"/>) are counted as duplicates, rejected rows go to the error report, and the chunk's
/// row range joins the checkpoint, all in one transaction. A replica that resumes after a crash skips the
/// committed ranges, so no row is sent twice.
/// </summary>
public sealed class BulkChunkWriter(NotificationLedger ledger, NotificationWriter writer, TemplateResolver templates, BulkPreview preview,
    ServiceMeter metrics, ProfileStore profiles, RequiredData requiredData, MonthlyQuotas quotas)
{
    /// <returns>False when the job was cancelled or taken by another runner meanwhile (nothing of this chunk is kept).</returns>
    public async Task<bool> CommitAsync(BulkJobContext job, BulkChunk chunk, CancellationToken ct)
    {
        var rows = chunk.Rows;
        var toSend = rows.OfType<MappedRow.Accepted>().ToList();
        var rejected = rows.OfType<MappedRow.Rejected>().ToList();
        var duplicates = rows.Count(r => r is MappedRow.Duplicate);

        await using var tx = await ledger.BeginAsync(ct);
        IReadOnlyList<NotificationDraft> drafts = await DraftsAsync(job, toSend, rejected, ct);
        var charge = QuotaCharge.None;
        // Each chunk is charged to the monthly quota before it is accepted; beyond it with `refuse`, its rows are rejected
        // into the error report, naming the quota (a chunk is charged whole: it fits, or none of it is sent).
        if (!job.Options.DryRun)
            try { (drafts, charge) = await quotas.ChargeDraftsAsync(job.TenantId, drafts,
                $"This chunk of the file (rows {chunk.FirstRow}-{chunk.LastRow})", ct); }
            catch (QuotaExceededException e)
            {
                var refused = rejected.Select(r => r.RowNumber).ToHashSet();
                rejected.AddRange(toSend.Where(r => !refused.Contains(r.RowNumber)).Select(r => Refused(r, e.Message)));
                drafts = [];
            }
        try
        {
            var accepted = drafts.Count;   // one per row sent: rows the template or the quota refused joined `rejected`
            if (!job.Options.DryRun) await writer.InsertAsync(tx, drafts, ct);
            if (job.Options.DryRun && chunk.FirstRow == 1) await preview.SaveAsync(tx, job, drafts, ct);
            if (rejected.Count > 0) await InsertErrorsAsync(tx.Connection, tx.Transaction, job.JobId, rejected, ct);

            var counts = new ChunkCounts(chunk.FirstRow, chunk.LastRow, chunk.BytesRead, accepted, rejected.Count, duplicates);
            if (!await BulkJobStore.RecordChunkAsync(tx.Connection, tx.Transaction, job, counts, ct))
            {
                await tx.RollbackAsync(ct);
                await quotas.RefundAsync(charge, CancellationToken.None);
                return false;
            }
            await tx.CommitAsync(ct);   // wakes the channel's queue, and `webhooks` when notification.accepted is subscribed
        }
        catch
        {
            await quotas.RefundAsync(charge, CancellationToken.None);
            throw;
        }
        var sent = drafts.Count;
        if (!job.Options.DryRun)
        {
            metrics.BulkRows("accepted", sent);
            metrics.BulkRows("rejected", rejected.Count);
            metrics.BulkRows("duplicate", duplicates);
        }
        return true;
    }

    /// <summary>The rows' drafts; a row whose data lacks a variable the template requires (an empty cell) is rejected into
    /// <paramref name="rejected"/>, naming it, as a send would be (<see cref="RequiredData"/>), instead of failing at delivery.</summary>
    private async Task<List<NotificationDraft>> DraftsAsync(BulkJobContext job, List<MappedRow.Accepted> rows,
        List<MappedRow.Rejected> rejected, CancellationToken ct)
    {
        var o = job.Options;
        var priority = o.Priority switch { "high" => JobPriority.High, "normal" => JobPriority.Normal, _ => JobPriority.Low };
        var drafts = new List<NotificationDraft>(rows.Count);
        var byLocale = new Dictionary<string, ResolvedTemplate>(StringComparer.Ordinal); // a chunk has a handful of locales
        var jobId = job.JobId.ToString();
        var profileLocales = await ProfileLocalesAsync(job, rows, ct);
        foreach (var row in rows)
        {
            var rowLocale = row.Locale ?? (row.Recipient.UserId is { } user ? profileLocales.GetValueOrDefault(user) : null);
            var locale = rowLocale ?? "";
            if (!byLocale.TryGetValue(locale, out var template))
                byLocale[locale] = template = await templates.ResolveAsync(job.TenantId, o.Template, o.Channel, rowLocale, ct)
                    ?? throw new InvalidOperationException($"template '{o.Template}' is no longer published for {o.Channel}");
            var r = row.Recipient;
            if (await requiredData.MissingAsync(job.TenantId, template.VersionId, row.Data,
                    new KnownRecipient(r.UserId, r.Email, r.Phone), ct) is { Count: > 0 } missing)
            {
                rejected.Add(Refused(row, missing));
                continue;
            }
            drafts.Add(new NotificationDraft(Uuid7.New(), job.TenantId, o.Channel, priority, StoredRecipient.From(row.Recipient),
                o.Template, template.VersionId, template.Locale, null, row.Data, o.Category,
                new System.Text.Json.Nodes.JsonObject { ["bulkJobId"] = jobId, ["row"] = row.RowNumber },
                null, BatchId: job.JobId, OverridePreferences: o.OverridePreferences));
        }
        return drafts;
    }

    private static MappedRow.Rejected Refused(MappedRow.Accepted row, IReadOnlyList<string> missing) => Refused(row, missing[0],
        $"The template needs {string.Join(", ", missing)}, which this row does not give (an empty cell is no value).");

    private static MappedRow.Rejected Refused(MappedRow.Accepted row, string reason) => Refused(row, null, reason);

    private static MappedRow.Rejected Refused(MappedRow.Accepted row, string? column, string reason)
    {
        var original = (System.Text.Json.Nodes.JsonObject)row.Data.DeepClone();
        if (row.Recipient.Email is { } email) original["email"] = email;
        if (row.Recipient.Phone is { } phone) original["phone"] = phone;
        if (row.Recipient.UserId is { } user) original["user_id"] = user;
        return new MappedRow.Rejected(row.RowNumber, row.Line, original, column, reason);
    }

    /// <summary>Rows naming no locale (and no job locale) with a user_id take their profile's locale for the template variant:
    /// one statement per chunk, and none unless the template is published in several locales.</summary>
    private async Task<Dictionary<string, string>> ProfileLocalesAsync(BulkJobContext job, List<MappedRow.Accepted> rows,
        CancellationToken ct)
    {
        var users = rows.Where(r => r.Locale is null && r.Recipient.UserId is not null).Select(r => r.Recipient.UserId!)
            .Distinct().ToList();
        return users.Count > 0 && await templates.HasLocaleVariantsAsync(job.TenantId, job.Options.Template, job.Options.Channel, ct)
            ? await profiles.LocalesAsync(job.TenantId, users, ct)
            : [];
    }

    /// <summary>Erase: rejected rows of the tenant's jobs that mention one of <paramref name="values"/> (lower-cased) leave the
    /// error report (the job's counts stay).</summary>
    public static async Task<int> ForgetErrorRowsAsync(NpgsqlDataSource db, Guid tenantId, string[] values, CancellationToken ct)
    {
        if (values.Length == 0) return 0;
        await using var cmd = db.CreateCommand("""
            delete from bulk_errors e using bulk_jobs j
            where j.tenant_id = $1 and e.job_id = j.id
              and exists (select 1 from unnest($2::text[]) v where strpos(lower(e.original::text), v) > 0 or strpos(lower(e.reason), v) > 0)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(values);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A chunk's rejected rows, in its transaction (also the profile import's: one writer of the error report).</summary>
    internal static async Task InsertErrorsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid jobId,
        IReadOnlyList<MappedRow.Rejected> rows, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into bulk_errors (job_id, row_number, column_name, reason, original, line)
            select $1, * from unnest($2::bigint[], $3::text[], $4::text[], $5::jsonb[], $6::bigint[]) on conflict do nothing
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(rows.Select(r => r.RowNumber).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Column).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Reason).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb,
            Value = rows.Select(r => r.Original.ToJsonString()).ToArray() });
        cmd.Parameters.AddWithValue(rows.Select(r => r.Line).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
