using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>
/// Issue 31's "send by userId vs send with the address, accept and dispatch each within 10 %". Both kinds are the same
/// inline email (same content and data); one names `recipient.email`, the other `recipient.userId` of a stored profile,
/// whose address the worker reads at delivery (one profile read per claimed batch).
/// Accept: one Mode=api process on a database holding <c>profiles</c> profiles (bulk identify through the API, not
/// timed), an unrecorded warm-up of each kind, then closed-loop rounds (the accept phase's load) alternating
/// address, userId, userId, address, so drift on a shared host falls on both. Every send of a round names the same
/// recipient (the load generator sends one body): accept does not read the profile, so this costs the userId kind nothing.
/// Dispatch: the dispatch phase's run (a Mode=api sample cloned set-based into <c>jobs</c> queued notifications, then a
/// Mode=worker drain, timed first completion → empty queue) on a fresh database per round, in the same order, each
/// after a warm-up of <c>jobs</c>/5 notifications of its kind (<see cref="DispatchWarmUp"/>; until 2026-11-25 each timed a
/// cold worker, whose JIT ran through the first seconds of the drain: 0.83–0.98 in runs that differed by their start); the
/// copies of both kinds are spread over the same people (u0 … u{profiles-1}, profiles seeded by SQL: not timed either),
/// one kind naming each by userId, the other by the address its profile holds (u{k}@example.com), so both rounds send to
/// as many different people a batch (until 2026-11-24 the address rounds all went to u1@example.com: one recipient a
/// batch for the suppression and preference reads, against a hundred for the userId rounds).
/// </summary>
public static class ByUserRun
{
    public const string Phase = "by-user";
    private const int RequestSize = 1000, IdentifyClients = 4;

    private static byte[] Body(string recipient) => Encoding.UTF8.GetBytes(
        $$$"""{"channel":"email","recipient":{{{recipient}}},"content":{"subject":"Hi","body":"Hello {{name}}"},"data":{"name":"bench"}}""");

    public static readonly byte[] AddressBody = Body("""{"email":"u1@example.com"}""");
    public static readonly byte[] UserIdBody = Body("""{"userId":"u1"}""");

    public static async Task<ByUserResult> MeasureAsync(string dll, Func<string, Task<string>> createDatabase, BenchOptions options)
    {
        var profiles = options.Smoke ? 1_000 : options.Quick ? 10_000 : 100_000;
        var jobs = options.Smoke ? 1_000 : options.Quick ? 5_000 : 50_000;
        var warmUp = DispatchWarmUp.Plan.For(jobs, options);
        // A, B, B, A for accept; dispatch, whose rounds are short and vary more, `--rounds` pairs of them (2 by default:
        // A, B, B, A; 3: A, B, B, A, A, B). At smoke size A, B (every step runs, the figures mean nothing).
        var order = options.Smoke ? new[] { false, true } : new[] { false, true, true, false };
        var dispatchOrder = options.Smoke ? order : [.. Enumerable.Range(0, 2 * Math.Max(2, options.AbRounds)).Select(i => i % 4 is 1 or 2)];

        var accept = new List<(bool ByUser, LoadResult Result)>();
        var cs = await createDatabase("by_user_accept");
        await using (var db = NpgsqlDataSource.Create(cs))
        await using (var api = await ServiceProcess.StartAsync(dll, cs, "api"))
        {
            await IdentifyAsync(api.BaseAddress, profiles);
            foreach (var byUser in new[] { false, true })
                await AcceptLoad.ClosedLoopAsync(api.BaseAddress, BenchOptions.AcceptClients, options.AcceptDuration,
                    $"by-user: accept warm-up, {Kind(byUser)} (not in the figure)", byUser ? UserIdBody : AddressBody);
            await api.WaitJitSettledAsync(options.JitSettleTimeout);
            for (var i = 0; i < order.Length; i++)
                accept.Add((order[i], await AcceptLoad.ClosedLoopAsync(api.BaseAddress, BenchOptions.AcceptClients, options.AcceptDuration,
                    $"by-user: accept round {i + 1}/{order.Length}, {Kind(order[i])}", order[i] ? UserIdBody : AddressBody,
                    cost: (db, $"by-user: accept, {Kind(order[i])} (Mode=api)"))));
        }

        var dispatch = new List<(bool ByUser, DispatchResult Result)>();
        for (var i = 0; i < dispatchOrder.Length; i++)
        {
            var byUser = dispatchOrder[i];
            Progress.Show($"by-user: dispatch round {i + 1}/{dispatchOrder.Length}, {Kind(byUser)}");
            dispatch.Add((byUser, await DispatchRun.MeasureAsync(dll, await createDatabase($"by_user_dispatch_{i}"), jobs,
                users: profiles, byAddress: !byUser, prepare: (db, sample) => SeedProfilesAsync(db, sample, profiles),
                label: $"by-user: dispatch, {Kind(byUser)} (Mode=worker)", sampleBody: byUser ? UserIdBody : AddressBody,
                warmUp: warmUp)));
        }
        return new ByUserResult(profiles, jobs, accept, dispatch);
    }

    public static string Kind(bool byUser) => byUser ? "by userId" : "with the address";

    /// <summary>u0 … u{n-1} through `POST /users/bulk`, 1,000 a request from four clients; every request must succeed.</summary>
    private static async Task IdentifyAsync(Uri baseAddress, int profiles)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        var requests = (profiles + RequestSize - 1) / RequestSize;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, IdentifyClients).Select(async _ =>
        {
            for (int r; (r = Interlocked.Increment(ref next)) < requests;)
            {
                var users = Enumerable.Range(r * RequestSize, Math.Min(RequestSize, profiles - r * RequestSize))
                    .Select(i => string.Create(CultureInfo.InvariantCulture, $$"""{"userId":"u{{i}}","email":"u{{i}}@example.com","name":"User {{i}}","locale":"en"}"""));
                using var body = new StringContent($$"""{"users":[{{string.Join(',', users)}}]}""", Encoding.UTF8, "application/json");
                using var response = await http.PostAsync("/api/v1/services/users/bulk", body);
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"by-user: bulk identify answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                Progress.Show($"by-user: identified {Math.Min(profiles, (r + 1) * RequestSize):N0}/{profiles:N0} profiles (not timed)");
            }
        }));
    }

    /// <summary>The same profiles, written directly in the dispatch rounds' databases (their seed is not what is measured).</summary>
    private static async Task SeedProfilesAsync(NpgsqlDataSource db, Guid sample, int profiles)
    {
        await using var cmd = db.CreateCommand("""
            insert into recipient_profiles (tenant_id, user_id, email, name, locale)
            select n.tenant_id, 'u' || i, 'u' || i || '@example.com', 'User ' || i, 'en'
            from notifications n, generate_series(0, $2 - 1) as i where n.id = $1
            """);
        cmd.Parameters.AddWithValue(sample);
        cmd.Parameters.AddWithValue(profiles);
        cmd.CommandTimeout = 300;
        await cmd.ExecuteNonQueryAsync();
        await using var analyze = db.CreateCommand("analyze recipient_profiles");
        await analyze.ExecuteNonQueryAsync();
    }
}
