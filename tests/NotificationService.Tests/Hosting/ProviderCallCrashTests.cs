using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Npgsql;
using NotificationService.Postgres;
using NotificationService.Tests.Features.Sending.Providers;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// A topic send to in_app and email, the service SIGKILLed twice while it calls SendGrid (a loopback double that counts
/// calls per notification). Before each kill the double holds every call that reaches it once a chosen number of emails
/// has been answered, so the calls in flight at the kill are exactly the held ones, and every call it answered before
/// has had its outcome recorded. Nothing is lost, every in-app message reaches the inbox once, and an email reaches the provider a second
/// time only when its call was one of those in flight: a call the provider answered is `sent` before its batch is
/// acknowledged, with the provider's message id in its attempt's history, and a batch claimed again skips it.
/// </summary>
[Collection("provider-call-crash")]
public class ProviderCallCrashTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // 1,000 in the suite; `PROVIDER_CRASH_MEMBERS=10000` runs the same spec at the size a release is checked at.
    private static readonly int Members = int.TryParse(Environment.GetEnvironmentVariable("PROVIDER_CRASH_MEMBERS"), out var n) && n >= 100 ? n : 1_000;
    private const int BatchSize = 50, BatchesInFlight = 2;
    // What one service can have in flight on the email queue: its batches, and the one suspect it runs alone after a kill.
    private const int InFlightWindow = BatchSize * BatchesInFlight + 1;

    [Fact]
    public async Task Killed_twice_during_a_topic_send_no_email_reaches_the_provider_twice_unless_its_call_was_in_flight_at_a_kill()
    {
        var cs = await TestDatabase.CreateAsync("crashdup");
        await using var db = NpgsqlDataSource.Create(cs);
        var sendGrid = new HoldingSendGrid();
        await using var server = await LoopbackProvider.StartAsync(sendGrid.AnswerAsync);
        var service = await StartAsync(cs);
        var held = new List<int>();
        try
        {
            sendGrid.HoldFrom(Members / 4);   // set before the send: a restarted service sends at once, while it boots
            using (var http = Client(service))
            {
                await ProviderApi.CreateAsync(http, ProviderApi.SendGrid(server.BaseUrl, "SendGrid double", priority: 1));
                await PrepareTopicAsync(http, db);
                await http.SendToTopicsAsync(new
                {
                    channels = new[] { "in_app", "email" }, recipient = new { topics = new[] { "everyone" } },
                    content = new { subject = "Water off tomorrow", body = "From 9 to 12" },
                });
            }
            foreach (var holdFromNext in new[] { Members / 2, 0 })
            {
                // The kill comes once a call is held (in flight) and every call answered before is recorded `sent`. The
                // service before this change recorded a batch's outcomes only when all its calls had returned, which a
                // held call prevents: then the kill comes after this patience, with those answers unrecorded.
                try
                {
                    await Eventually.Async(async () => sendGrid.Held > 0 && await SentEmailsAsync(db) == sendGrid.Answered,
                        "a held call, and every answered call recorded", TimeSpan.FromSeconds(60));
                }
                catch (TimeoutException e) { output.WriteLine($"killing anyway: {e.Message}"); }
                await service.DisposeAsync();   // SIGKILL: nothing flushed, nothing acknowledged
                held.Add(sendGrid.ReleaseHeld());
                output.WriteLine($"kill {held.Count}: {sendGrid.Answered} emails answered, {held[^1]} calls in flight (held)");
                sendGrid.HoldFrom(holdFromNext);
                service = await StartAsync(cs);
            }
            await DbPolling.WaitUntilAsync(db, "select count(*) from notifications where status = 'sent'", n => n == 2 * Members, TimeSpan.FromSeconds(120 * Math.Max(1, Members / 1_000)));
        }
        finally
        {
            await service.DisposeAsync();
        }

        // Nothing lost, nothing created twice: one notification per member and channel, all sent, one inbox item each.
        Assert.Equal(Members, await DbPolling.ScalarAsync(db, "select count(*) from notifications where channel = 'email' and status = 'sent'"));
        Assert.Equal(Members, await DbPolling.ScalarAsync(db, "select count(*) from notifications where channel = 'in_app' and status = 'sent'"));
        Assert.Equal(Members, await DbPolling.ScalarAsync(db, "select count(*) from inbox_items i join notifications n on n.id = i.notification_id"));
        Assert.Equal(0, await DbPolling.ScalarAsync(db, "select count(*) from sandbox_messages where channel = 'email'"));
        // A second provider call only for a message whose call was in flight at a kill (held), once per such kill.
        var calls = sendGrid.Calls;
        Assert.Equal(Members, calls.Count);
        var twiceAlthoughAnswered = calls.Where(c => c.Value - 1 > sendGrid.TimesHeld(c.Key)).ToList();
        var duplicates = calls.Values.Sum(n => n - 1);
        output.WriteLine($"{calls.Values.Sum()} SendGrid calls for {Members} emails: {duplicates} second calls, {held.Sum()} calls in flight at the kills");
        Assert.True(twiceAlthoughAnswered.Count == 0,
            $"{twiceAlthoughAnswered.Count} emails reached the provider again although their call had been answered before the kill");
        Assert.All(held, h => Assert.InRange(h, 1, InFlightWindow));
        Assert.InRange(duplicates, 0, held.Sum());
        // Every answer's message id is in its attempt's history, and each email has one `sent` row: none recorded nowhere.
        await using var history = db.CreateCommand("""
            select count(distinct e.provider_message_id), count(*) filter (where e.status = 'sent') from notification_events e
            join notifications n on n.id = e.notification_id where n.channel = 'email' and e.provider_message_id = any($1)
            """);
        history.Parameters.AddWithValue(sendGrid.MessageIds);
        await using var r = await history.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(sendGrid.MessageIds.Length, r.GetInt64(0));
        Assert.Equal(Members, r.GetInt64(1));
    }

    /// <summary>Members with an email address each: the topic, its members and their profiles written directly (one statement each).</summary>
    private static async Task PrepareTopicAsync(HttpClient http, NpgsqlDataSource db)
    {
        await http.TopicWithAsync("everyone");
        await using var fill = db.CreateCommand("""
            with p as (insert into recipient_profiles (tenant_id, user_id, email)
                       select $1, 'member-' || g, 'member-' || g || '@example.com' from generate_series(1, $2) g),
                 m as (insert into topic_members (tenant_id, topic_key, user_id)
                       select $1, 'everyone', 'member-' || g from generate_series(1, $2) g returning 1)
            update topics set member_count = (select count(*) from m) where tenant_id = $1 and key = 'everyone'
            """);
        fill.Parameters.AddWithValue(NotificationService.Features.Operations.Seed.DemoSeeder.DemoTenantId);
        fill.Parameters.AddWithValue(Members);
        await fill.ExecuteNonQueryAsync();
    }

    private static Task<long> SentEmailsAsync(NpgsqlDataSource db) =>
        DbPolling.ScalarAsync(db, "select count(*) from notifications where channel = 'email' and status = 'sent'");

    private static async Task<ServiceProcess> StartAsync(string cs)
    {
        var service = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = cs,
            ["Seed__OnStart"] = "true",
            ["Seed__DemoApiKey"] = ServiceFixture.DemoApiKey,
            ["Outbound__AllowedTargets"] = "127.0.0.1",
            // A held call stays in flight until the kill, however long the wait before it.
            ["Providers__RequestTimeoutSeconds"] = "600",
            ["Queue__BatchSizes__email"] = BatchSize.ToString(),
            ["Queue__MaxBatchesInFlightPerQueue"] = BatchesInFlight.ToString(),
            ["Queue__LeaseSeconds"] = "3",
            ["Queue__RescueIntervalSeconds"] = "1",
            ["Queue__PollIntervalMs"] = "200",
            // Here the kills are the test's, not the jobs': a job in flight at both must not be set aside.
            ["Queue__CrashesBeforeSetAside"] = "1000",
            ["Logging__LogLevel__Default"] = "Warning",
        }, "serve");
        await service.WaitReadyAsync(TimeSpan.FromSeconds(90));
        return service;
    }

    private static HttpClient Client(ServiceProcess service)
    {
        var http = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceFixture.DemoApiKey);
        return http;
    }

    /// <summary>
    /// SendGrid's wire answer (202 and an X-Message-Id) per call, counted per notification (its custom_args); once told to
    /// hold, it answers nothing more: each call that arrives then stays open, in flight, until the service is killed.
    /// </summary>
    private sealed class HoldingSendGrid
    {
        private readonly object _gate = new();
        private readonly Dictionary<Guid, int> _calls = [];
        private readonly Dictionary<Guid, int> _held = [];
        private readonly HashSet<Guid> _answered = [];
        private readonly List<string> _messageIds = [];
        private TaskCompletionSource? _hold;
        private int _holding, _holdFrom;

        public int Answered { get { lock (_gate) return _answered.Count; } }
        public int Held { get { lock (_gate) return _holding; } }
        public Dictionary<Guid, int> Calls { get { lock (_gate) return new(_calls); } }
        public string[] MessageIds { get { lock (_gate) return [.. _messageIds]; } }
        public int TimesHeld(Guid id) { lock (_gate) return _held.GetValueOrDefault(id); }

        /// <summary>Holds every call once this many emails have been answered (0: never).</summary>
        public void HoldFrom(int answered) { lock (_gate) _holdFrom = answered; }

        /// <summary>After the kill: answers again (until <see cref="HoldFrom"/> says); returns how many calls were held, in flight at the kill.</summary>
        public int ReleaseHeld()
        {
            TaskCompletionSource? hold;
            int count;
            lock (_gate) { (hold, _hold, count, _holding, _holdFrom) = (_hold, null, _holding, 0, 0); }
            hold?.SetResult();
            return count;
        }

        public async Task AnswerAsync(RecordedRequest request, HttpContext ctx)
        {
            var id = Guid.Parse(JsonNode.Parse(request.Body)!["personalizations"]![0]!["custom_args"]!["notification_id"]!.GetValue<string>());
            Task? hold;
            string messageId;
            lock (_gate)
            {
                _calls[id] = _calls.GetValueOrDefault(id) + 1;
                if (_hold is null && _holdFrom > 0 && _answered.Count >= _holdFrom) _hold = new(TaskCreationOptions.RunContinuationsAsynchronously);
                hold = _hold?.Task;
                messageId = $"sg-crash-{_messageIds.Count:D5}";
                if (hold is null) { _answered.Add(id); _messageIds.Add(messageId); }
                else { _held[id] = _held.GetValueOrDefault(id) + 1; _holding++; }
            }
            if (hold is not null)
            {
                await hold;       // released after the kill: whoever called is gone
                ctx.Abort();
                return;
            }
            ctx.Response.StatusCode = 202;
            ctx.Response.Headers["X-Message-Id"] = messageId;
        }
    }
}

/// <summary>Its own collection so that it can start early: 2 to 3 minutes of three service starts and two kills.</summary>
[CollectionDefinition("provider-call-crash"), StartsFirst(3)]
public sealed class ProviderCallCrashCollection;
