using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NotificationService.Bench.Providers;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.Webhooks;

/// <summary>
/// The harder inbound case: Twilio posts one status per request (form-encoded, X-Twilio-Signature), so
/// every event is its own HTTP request and transaction. N sent SMS notifications with a MessageSid are
/// created beforehand; one signed `delivered` callback each is POSTed from 32 concurrent clients. Twice as many others
/// are posted first, unrecorded, in two rounds (one at smoke size) each followed by a wait until the service's JIT is idle: a perf profile of
/// the timed callbacks on a fresh process found its tiered-compilation thread at 16 % of the host and the request path
/// running as tier-0 code, and after one round (JIT idle while nothing was posted) it still compiled 2,434 methods at
/// tier 1 during the timed ones (code is promoted as its calls come in). The JIT's CPU during the timed ones is reported.
/// </summary>
public static class TwilioCallbacksRun
{
    public const int Clients = 32;
    private const string AuthToken = "bench-twilio-auth-token";

    public static async Task<CallbacksInResult> MeasureAsync(string dll, string connectionString, int notifications, TimeSpan jitSettleTimeout)
    {
        var warmUpRounds = Waits.Rounds(2);
        var warmUp = notifications * warmUpRounds;
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var api = await ServiceProcess.StartAsync(dll, connectionString, "api");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients, UseProxy = false }) { BaseAddress = api.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        var path = $"webhooks/twilio/{await BenchTenant.CreateProviderAsync(http, new
        {
            channel = "sms", kind = "twilio_sms", name = "bench-twilio", priority = 500, enabled = false,
            settings = new { accountSid = "AC" + new string('0', 32), from = "+14155550000" }, secrets = new { authToken = AuthToken },
        })}";

        using (var client = new SendClient(api.BaseAddress, 1))
        {
            var sample = await client.SendAsync() ?? throw new InvalidOperationException($"sample send failed: {await client.DescribeFailureAsync()}");
            Progress.Show($"twilio callbacks: creating {warmUp + notifications:N0} sent SMS notifications");
            await CloneSentSmsAsync(db, sample, warmUp + notifications);
        }
        var sids = new List<string>(notifications);
        await using (var cmd = db.CreateCommand("select provider_message_id from notifications where provider_message_id like 'SM%'"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) sids.Add(r.GetString(0));

        // Signed before the clock starts; the URL is the one the service sees (no PublicBaseUrl in this run).
        var url = new Uri(api.BaseAddress, path).ToString();
        var requests = sids.Select(sid =>
        {
            var form = new Dictionary<string, string> { ["MessageSid"] = sid, ["MessageStatus"] = "delivered", ["To"] = "+14155550100", ["AccountSid"] = "AC" + new string('0', 32) };
            var data = new StringBuilder(url);
            foreach (var (k, v) in form.OrderBy(p => p.Key, StringComparer.Ordinal)) data.Append(k).Append(v);
            return (Form: form, Signature: Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(AuthToken), Encoding.UTF8.GetBytes(data.ToString()))));
        }).ToArray();

        HttpRequestMessage Request(int i)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(requests[i].Form) };
            request.Headers.Add("X-Twilio-Signature", requests[i].Signature);
            return request;
        }
        var (warmTime, warmApplied, settle) = (TimeSpan.Zero, 0L, TimeSpan.Zero);
        for (var round = 0; round < warmUpRounds; round++)
        {
            Progress.Show($"twilio callbacks: warm-up {round + 1}/{warmUpRounds}, posting {notifications:N0} signed callbacks from {Clients} clients");
            var first = round * notifications;
            var warm = await CallbackPoster.PostAllAsync(http, db, notifications, Clients, i => Request(first + i), $"callbacks in: Twilio warm-up {round + 1}, not in the figure (Mode=api)");
            (warmTime, warmApplied) = (warmTime + warm.Elapsed, warmApplied + warm.Applied);
            settle += await api.WaitJitSettledAsync(jitSettleTimeout);
        }
        var jitBefore = api.JitCpuTime();
        Progress.Show($"twilio callbacks: posting {notifications:N0} signed callbacks from {Clients} clients");
        var posted = await CallbackPoster.PostAllAsync(http, db, notifications, Clients, i => Request(warmUp + i), "callbacks in: Twilio, one event per request (Mode=api)");
        return new CallbacksInResult(notifications, notifications, 1, Clients, posted.Elapsed, posted.Applied, posted.Errors, posted.LoadAverage)
        {
            WarmUp = new CallbacksWarmUp(warmUpRounds, warmUp, warmTime, warmApplied, settle, api.JitCpuTime() - jitBefore),
        };
    }

    /// <summary>
    /// N SMS notifications already `sent`, each with the history row of the attempt that sent it, as the worker leaves them.
    /// From migration 700 on, that row carries the Twilio SID, by which the callback finds its notification; a build from
    /// before it (the other side of `--ab`) finds it by the notification's own column.
    /// </summary>
    private static async Task CloneSentSmsAsync(NpgsqlDataSource db, Guid sample, int count)
    {
        bool sidInHistory;
        await using (var probe = db.CreateCommand("select exists (select 1 from information_schema.columns where table_name = 'notification_events' and column_name = 'provider_message_id')"))
            sidInHistory = (bool)(await probe.ExecuteScalarAsync())!;
        var sidColumn = sidInHistory ? ", provider_message_id" : "";
        await using var cmd = db.CreateCommand($$"""
            with n as (
                insert into notifications (id, tenant_id, channel, status, recipient, content, provider_kind, provider_message_id, sent_at, attempts)
                select gen_random_uuid(), s.tenant_id, 'sms', 'sent', '{"phone":"+14155550100"}', '{"body":"hi"}', 'twilio_sms',
                       'SM' || replace(gen_random_uuid()::text, '-', ''), now(), 1
                from generate_series(1, $2) cross join (select tenant_id from notifications where id = $1) s
                returning id, provider_message_id
            )
            insert into notification_events (notification_id, status, source, detail, attempt, started_at{{sidColumn}})
            select id, 'sent', 'worker', 'twilio_sms', 1, now(){{sidColumn}} from n
            """);
        cmd.Parameters.AddWithValue(sample);
        cmd.Parameters.AddWithValue(count);
        cmd.CommandTimeout = 300;
        await cmd.ExecuteNonQueryAsync();
        await using var vacuum = db.CreateCommand("vacuum analyze notifications");
        await vacuum.ExecuteNonQueryAsync();
    }
}
