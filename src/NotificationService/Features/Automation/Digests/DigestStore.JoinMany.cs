using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Digests;

/// <summary>A window a trigger's join opened (its close job is due) or filled (`maxEvents`: it closes now).</summary>
public sealed record TouchedWindow(Guid Id, bool Opened, bool Filled, DateTimeOffset ClosesAt);

public static partial class DigestStore
{
    /// <summary>
    /// A trigger's runs, each for another recipient, join their windows of one key in one statement (batch on write): the
    /// upsert of <see cref="UpsertAsync"/> for every recipient, in recipient order so that two triggers lock shared windows
    /// in the same order and never deadlock; and each run's event at its window's next position, as
    /// <see cref="AddEventAsync"/> adds it. Returns the windows it opened or filled.
    /// </summary>
    public static async Task<List<TouchedWindow>> JoinManyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid workflowId,
        RunEffect.JoinDigest join, DateTimeOffset now, IReadOnlyList<(Guid RunId, string UserId)> runs, string? actorKey, JsonNode? actor,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(JoinMany, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runs.Select(_ => Uuid7.New()).ToArray());
        cmd.Parameters.AddWithValue(workflowId);
        cmd.Parameters.AddWithValue(join.StepId);
        cmd.Parameters.AddWithValue(runs.Select(r => r.UserId).ToArray());
        AddPlan(cmd, join.Key, join.Plan, now);
        cmd.Parameters.AddWithValue(runs.Select(r => r.RunId).ToArray());
        cmd.Parameters.AddWithValue(join.Seq);
        AddActor(cmd, actorKey, actor);
        var touched = new List<TouchedWindow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            touched.Add(new TouchedWindow(r.GetGuid(0), r.GetBoolean(1), r.GetBoolean(2), r.GetFieldValue<DateTimeOffset>(3)));
        return touched;
    }

    // The parameters of a single join where they mean the same ($1, $3, $4, $6-$14, $17, $18); $2 the new windows' ids,
    // $5 the recipients, $15 their runs (in the same order), $16 the runs' seq.
    private const string JoinMany = $"""
        with joined as (
            insert into digest_windows as w (tenant_id, id, workflow_id, step_id, user_id, digest_key, kind, state, opened_at, closes_at, hard_close_at,
                quiet_seconds, max_events, keep_first, keep_last, event_count, next_position, actors)
            select $1, u.window_id, $3, $4, u.user_id, $6, $7, 'open', $8, $9, $10, $11, $12, $13, $14, 1, 1,
                case when $17::text is not null then $18::jsonb else '[]' end
            from unnest($2::uuid[], $5::text[]) as u(window_id, user_id)
            order by u.user_id collate "C"
            {JoinOpen}
            returning w.id, w.user_id, xmax = 0 as opened, w.event_count, w.next_position, w.max_events, w.keep_first, w.keep_last, w.closes_at
        ), events as (
            insert into digest_events (tenant_id, window_id, position, run_id, seq, actor_key)
            select $1, j.id, j.next_position, e.run_id, $16, $17
            from joined j
            join unnest($5::text[], $15::uuid[]) as e(user_id, run_id) on e.user_id collate "C" = j.user_id
        )
        select id, opened, event_count >= max_events, closes_at from joined where opened or event_count >= max_events
        """;
}
