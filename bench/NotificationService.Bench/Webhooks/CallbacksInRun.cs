using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Bench.Providers;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.Webhooks;

public sealed record CallbacksInResult(int Events, int Requests, int EventsPerRequest, int Clients, TimeSpan Elapsed, long Applied, int Errors, double LoadAverage)
{
    public double AppliedPerSec => Applied / Elapsed.TotalSeconds;

    /// <summary>Callbacks posted before the timed ones, and how long the JIT took to go idle after them (null: a cold start).</summary>
    public CallbacksWarmUp? WarmUp { get; init; }
}

/// <param name="JitDuring">CPU of the service's tiered-compilation thread while the timed callbacks were posted.</param>
public sealed record CallbacksWarmUp(int Rounds, int Requests, TimeSpan Elapsed, long Applied, TimeSpan JitSettle, TimeSpan JitDuring);

/// <summary>
/// Inbound callback processing: N sent notifications are created beforehand (one real send cloned
/// set-based), then signed SendGrid Event Webhook batches ("delivered" for each, correlated by our
/// custom_args notification id, as SendGrid posts them) are POSTed concurrently to a Mode=api process.
/// Applied status changes are counted from the database (history rows with source 'provider').
/// </summary>
public static class CallbacksInRun
{
    public const int EventsPerRequest = 100;
    public const int Clients = 8;

    public static async Task<CallbacksInResult> MeasureAsync(string dll, string connectionString, int notifications)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var api = await ServiceProcess.StartAsync(dll, connectionString, "api");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients, UseProxy = false }) { BaseAddress = api.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var configId = await BenchTenant.CreateProviderAsync(http, new
        {
            channel = "email", kind = "sendgrid", name = "bench-sendgrid", priority = 500, enabled = false,
            settings = new { fromEmail = "bench@example.com" },
            secrets = new { apiKey = "SG.bench", eventWebhookPublicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()) },
        });

        using (var client = new SendClient(api.BaseAddress, 1))
        {
            var sample = await client.SendAsync() ?? throw new InvalidOperationException($"sample send failed: {await client.DescribeFailureAsync()}");
            Progress.Show($"callbacks in: creating {notifications:N0} sent notifications");
            await CloneSentAsync(db, sample, notifications - 1);
        }
        var ids = new List<Guid>(notifications);
        await using (var cmd = db.CreateCommand("select id from notifications where status = 'sent' order by id"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) ids.Add(r.GetGuid(0));

        // Bodies and signatures are made before the clock starts: the figure is the service's, not the signer's.
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var requests = ids.Chunk(EventsPerRequest).Select(chunk =>
        {
            var body = new JsonArray(chunk.Select(id => (JsonNode)new JsonObject
            {
                ["email"] = "a@example.com", ["timestamp"] = timestamp, ["event"] = "delivered", ["sg_event_id"] = Guid.NewGuid().ToString("N"),
                ["sg_message_id"] = "bench." + id.ToString("N"), ["notification_id"] = id.ToString(), ["response"] = "250 OK",
            }).ToArray()).ToJsonString();
            var signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
            return (Body: Encoding.UTF8.GetBytes(body), Signature: signature);
        }).ToArray();

        Progress.Show($"callbacks in: posting {requests.Length:N0} signed batches from {Clients} clients");
        var posted = await CallbackPoster.PostAllAsync(http, db, requests.Length, Clients, i =>
        {
            var content = new ByteArrayContent(requests[i].Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            var request = new HttpRequestMessage(HttpMethod.Post, $"webhooks/sendgrid/{configId}") { Content = content };
            request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp.ToString());
            request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", requests[i].Signature);
            return request;
        }, "callbacks in: SendGrid batches (Mode=api)");
        return new CallbacksInResult(ids.Count, requests.Length, EventsPerRequest, Clients, posted.Elapsed, posted.Applied, posted.Errors, posted.LoadAverage);
    }

    /// <summary>Copies the sample as N notifications already `sent` (no jobs: nothing is delivered in this run).</summary>
    private static async Task CloneSentAsync(NpgsqlDataSource db, Guid sample, int copies)
    {
        await using var cmd = db.CreateCommand("""
            with src as (select * from notifications where id = $1),
            n as (
                insert into notifications (id, tenant_id, channel, status, priority, recipient, content, data, metadata, sent_at)
                select gen_random_uuid(), src.tenant_id, src.channel, 'sent', src.priority, src.recipient, src.content, src.data, src.metadata, now()
                from generate_series(1, $2) cross join src
                returning id
            )
            update notifications set status = 'sent', sent_at = now() where id = $1
            """);
        cmd.Parameters.AddWithValue(sample);
        cmd.Parameters.AddWithValue(copies);
        cmd.CommandTimeout = 300;
        await cmd.ExecuteNonQueryAsync();
        await using var vacuum = db.CreateCommand("vacuum analyze notifications");
        await vacuum.ExecuteNonQueryAsync();
    }
}
