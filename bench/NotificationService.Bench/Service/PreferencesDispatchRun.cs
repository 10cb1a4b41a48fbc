using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>One pair of the preferences A/B: the same dispatch without stored preferences, then with them in force.</summary>
public sealed record PreferencesPair(DispatchResult Without, DispatchResult With)
{
    public double Ratio => With.JobsPerSec / Without.JobsPerSec;
}

/// <summary>
/// Issue 14's "dispatch with preferences in force within 10 %": the dispatch phase run in pairs on fresh databases,
/// copies spread over 10,000 userIds in both arms. "With": the tenant has three categories (the sends are in one) and
/// every one of those users has stored preferences (a channel off, a category × channel off, quiet hours on a day that
/// is not today), none of which stops these emails, so both arms send everything and the rates compare. The arms
/// alternate which goes first, so drift on a shared machine does not favour one.
/// </summary>
public static class PreferencesDispatchRun
{
    public const int Users = 10_000;

    public static async Task<IReadOnlyList<PreferencesPair>> MeasureAsync(string dll, Func<string, Task<string>> newDatabase, int jobs, int pairs)
    {
        var results = new List<PreferencesPair>();
        for (var i = 0; i < pairs; i++)
        {
            DispatchResult without, with;
            if (i % 2 == 0)
            {
                without = await DispatchRun.MeasureAsync(dll, await newDatabase($"prefs_off_{i}"), jobs, Users, Categorise(withPreferences: false), label: "preferences: dispatch without");
                with = await DispatchRun.MeasureAsync(dll, await newDatabase($"prefs_on_{i}"), jobs, Users, Categorise(withPreferences: true), label: "preferences: dispatch with");
            }
            else
            {
                with = await DispatchRun.MeasureAsync(dll, await newDatabase($"prefs_on_{i}"), jobs, Users, Categorise(withPreferences: true), label: "preferences: dispatch with");
                without = await DispatchRun.MeasureAsync(dll, await newDatabase($"prefs_off_{i}"), jobs, Users, Categorise(withPreferences: false), label: "preferences: dispatch without");
            }
            Progress.Show($"preferences: pair {i + 1}: {without.JobsPerSec:N0} jobs/s without, {with.JobsPerSec:N0} with (ratio {with.JobsPerSec / without.JobsPerSec:0.00})");
            results.Add(new PreferencesPair(without, with));
        }
        return results;
    }

    /// <summary>Both arms: nothing. With preferences: categories, the copies in one of them, and a stored set per user.</summary>
    private static Func<NpgsqlDataSource, Guid, Task> Categorise(bool withPreferences) => async (db, sample) =>
    {
        if (!withPreferences) return;
        var notToday = new[] { "sun", "mon", "tue", "wed", "thu", "fri", "sat" }[((int)DateTime.UtcNow.DayOfWeek + 3) % 7];
        await using var cmd = db.CreateCommand($$$"""
            with t as (select tenant_id from notifications where id = $1),
            c as (
                insert into notification_categories (tenant_id, key, name, commercial, is_default)
                select t.tenant_id, k, k, k = 'marketing', k = 'updates' from t, unnest(array['updates', 'marketing', 'digest']) as k
            ), n as (
                update notifications set category = 'updates' where tenant_id = (select tenant_id from t)
            )
            insert into user_preferences (tenant_id, user_key, channels, categories, quiet_hours)
            select t.tenant_id, 'u:u' || i, '{"sms": false}', '{"marketing": {"email": false}}',
                   '{"timeZone": "Europe/Paris", "windows": [{"days": ["{{{notToday}}}"], "start": "22:00", "end": "07:00"}]}'
            from t, generate_series(0, {{{Users - 1}}}) as i
            """);
        cmd.Parameters.AddWithValue(sample);
        cmd.CommandTimeout = 300;
        await cmd.ExecuteNonQueryAsync();   // the dispatch run vacuums notifications after this
    };
}
