using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Postgres;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>PostgreSQL goes away under a running service and comes back on the same port.</summary>
[StartsFirst(6)]   // 20 s to a minute of service processes: started before the short classes
public class DatabaseOutageTests
{
    private const string Key = "nsk_outage01_CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
    private const string Body = """{"channel":"in_app","recipient":{"userId":"u1"},"content":{"subject":"Hi","body":"Hello"}}""";

    [Fact]
    public async Task During_an_outage_sends_get_503_with_Retry_After_and_readiness_fails_then_everything_accepted_is_delivered()
    {
        var dataDir = Directory.CreateTempSubdirectory("ns-outage-").FullName;
        var cluster = await EmbeddedPostgres.StartAsync(dataDir);
        var port = cluster.Port;
        var cs = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
        var service = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = cs, ["Seed__OnStart"] = "true", ["Seed__DemoApiKey"] = Key, ["Queue__PollIntervalMs"] = "200",
        }, "serve");
        try
        {
            await service.WaitReadyAsync(TimeSpan.FromSeconds(120));
            using var http = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            Task<HttpResponseMessage> SendAsync() => http.PostAsync("/api/v1/services/notifications/send", new StringContent(Body, Encoding.UTF8, "application/json"));
            var accepted = new List<Guid>();
            for (var i = 0; i < 5; i++) accepted.Add(await IdOfAsync(await SendAsync()));

            await cluster.StopAsync();
            var during = await SendAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), during.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", during.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync($"/api/v1/services/notifications/{accepted[0]}")).StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode); // no restart for an outage

            cluster = await EmbeddedPostgres.StartAsync(dataDir, port: port);
            // A client as the 503 asks: send again later. Every answer is 202 or 503, never a 500.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (accepted.Count < 10)
            {
                Assert.True(DateTime.UtcNow < deadline, "sends were not accepted again within 60 s of the database's return");
                var response = await SendAsync();
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable) { await Task.Delay(200); continue; }
                accepted.Add(await IdOfAsync(response));
            }
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

            // Nothing accepted was lost: all ten are delivered, and the refused request left no row.
            await using var db = NpgsqlDataSource.Create(cs);
            await Eventually.Async(() => Support.DbPolling.ScalarAsync(db, "select count(*) from notifications where status = 'sent'"), sent => sent == 10,
                "all ten accepted notifications sent", TimeSpan.FromSeconds(60));
            Assert.Equal(10, await Support.DbPolling.ScalarAsync(db, "select count(*) from notifications"));
            Assert.Equal(10, await Support.DbPolling.ScalarAsync(db, $"select count(*) from notifications where id in ({string.Join(',', accepted.Select(a => $"'{a}'"))})"));
        }
        finally
        {
            await service.DisposeAsync();
            await cluster.DisposeAsync();
        }
    }

    private static async Task<Guid> IdOfAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        return Guid.Parse(JsonNode.Parse(text)!["id"]!.GetValue<string>());
    }
}
