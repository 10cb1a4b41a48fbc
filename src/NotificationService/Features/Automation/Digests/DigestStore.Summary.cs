using NotificationService.Features.Automation.Workflows;

namespace NotificationService.Features.Automation.Digests;

// What a window's digest says, as SQL over window `w`: the close writes it, a live item and the console read it.
public static partial class DigestStore
{
    /// <summary>
    /// The data of window `w`'s ($1 tenant) first `keep_first` and last `keep_last` events as they stand (an event that left
    /// is not among them), in order, read from their runs through the runs' owner: an event row holds no copy, so a join
    /// writes no data and drops none.
    /// </summary>
    internal const string KeptData = $"""
        coalesce((select jsonb_agg(coalesce({RunStore.DataOfRun}, 'null'::jsonb) order by k.position)
                  from ((select e.position, e.run_id from digest_events e where e.tenant_id = $1 and e.window_id = w.id
                         order by e.position limit w.keep_first)
                        union
                        (select e.position, e.run_id from digest_events e where e.tenant_id = $1 and e.window_id = w.id
                         order by e.position desc limit w.keep_last)) k), '[]'::jsonb)
        """;

    /// <summary>
    /// The digest of window `w` ($1 tenant) as it stands: the exact count, the kept events' data in order (a live
    /// window's first event, which passed at once, before them), and the distinct actors (the window's first few count too:
    /// a live window's first event has no event row).
    /// </summary>
    internal const string SummarySoFar = $"""
        jsonb_build_object(
            'count', w.event_count,
            'events', case when w.live_send_step is not null then coalesce(w.passed_summary->'events', '[]'::jsonb) else '[]'::jsonb end
                || {KeptData},
            'actors', jsonb_build_object(
                'count', (select count(distinct k) from (
                              select e.actor_key as k from digest_events e where e.tenant_id = $1 and e.window_id = w.id
                              union all select a->>'key' from jsonb_array_elements(w.actors) a) keys),
                'first', coalesce((select jsonb_agg(a->'actor') from jsonb_array_elements(w.actors) a), '[]'::jsonb)))
        """;
}
