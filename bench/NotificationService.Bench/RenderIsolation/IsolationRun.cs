using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Bench.Service;
using NotificationService.Templates;

namespace NotificationService.Bench.RenderIsolation;

/// <summary>What the phase compared: every body a recipient got against the same template and data rendered alone.</summary>
public sealed record IsolationResult(int Tenants, int ClientsPerTenant, int RecipientsPerRequest, long Planned, long Compared, long Differences,
    long Unknown, long Repeated, long NotSent, TimeSpan SendToLastBody, IReadOnlyList<string> FirstDifferences)
{
    /// <summary>The normal template rendered under full CPU load with the default budget (<see cref="RenderLoad"/>).</summary>
    public RenderLoadResult? Load { get; init; }

    public double BodiesPerSec => Compared / SendToLastBody.TotalSeconds;
    /// <summary>The requirement: every planned body arrived and each is the one rendered alone.</summary>
    public bool Isolated => Differences == 0 && Compared == Planned;

    /// <summary>The requirement: no render under load stopped by the budget or printing something else.</summary>
    public bool LoadHeld => Load is null || Load.LimitFailures == 0 && Load.Differences == 0;
}

/// <summary>
/// The render-isolation finding reproduced through the API: three tenants save the same template under the same key
/// (<see cref="IsolationTemplate"/>), several clients per tenant post send-batch concurrently to one Mode=all service
/// (accept and delivery at once, so renders of the three tenants interleave in its worker), and every email the SendGrid
/// mailbox receives is checked against the body this process rendered beforehand, alone: one thread, one render per
/// recipient, with the engine's fresh frames. The service's renders are the ones under test; the expected side does not
/// depend on them.
/// </summary>
public static class IsolationRun
{
    public const string Phase = "render-isolation";
    public const int Tenants = 3;
    private const int RecipientsPerRequest = 250;

    /// <summary>
    /// The mailbox listens on 127.0.0.1, which the outbound guard refuses unless the operator allows it. The compile time
    /// limit is raised to its maximum (a compile's budget is still a wall clock; on the shared host a first compile of this
    /// body took seconds). The render budget is the default one: it counts the template's work, not the host's time.
    /// </summary>
    private static readonly Dictionary<string, string> ServiceSettings = new()
    {
        ["Outbound__AllowedTargets"] = "127.0.0.1", ["Templates__CompileTimeoutMs"] = "120000",
    };

    /// <summary>The expected side's engine, with the same generous limits.</summary>
    private static TemplateEngine Engine() => new(limits: new RenderLimits(TimeSpan.FromMinutes(1), 1_000_000) { MaxCompileDuration = TimeSpan.FromMinutes(2) });

    public static async Task<IsolationResult> MeasureAsync(string dll, string connectionString, int bodiesPerTenant, int clientsPerTenant,
        long loadRenders)
    {
        Progress.Show($"{Phase}: {loadRenders:N0} renders of a 100-item loop under full CPU load");
        var load = RenderLoad.Measure(loadRenders);
        var expected = Expected(bodiesPerTenant);
        await using var mailbox = await IsolationMailbox.StartAsync(expected);
        await using var db = NpgsqlDataSource.Create(connectionString);
        Progress.Show($"{Phase}: starting the service in Mode=all");
        await using var service = await ServiceProcess.StartAsync(dll, connectionString, "all", ServiceSettings);
        var tenants = new List<Providers.BenchTenant>();
        for (var t = 0; t < Tenants; t++)
        {
            Progress.Show($"{Phase}: setting up tenant {IsolationTemplate.Marker(t)} (provider, partial, template)");
            tenants.Add(await IsolationSetup.TenantAsync(service.BaseAddress, mailbox.BaseUrl));
        }

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(tenants.Select((tenant, t) => SendAsync(tenant, t, service.BaseAddress, bodiesPerTenant, clientsPerTenant)));
        var planned = (long)Tenants * bodiesPerTenant;
        await WaitDeliveredAsync(db, mailbox, planned);
        var notSent = await NotSentAsync(db);
        var lastBody = clock.Elapsed;

        var engine = Engine();
        var firstDifferences = mailbox.FirstDifferences.Select(d => Describe(engine, d)).ToList();
        return new IsolationResult(Tenants, clientsPerTenant, RecipientsPerRequest, planned, mailbox.Compared, mailbox.Differences,
            mailbox.Unknown, mailbox.Repeated, notSent, lastBody, firstDifferences) { Load = load };
    }

    /// <summary>Every recipient's body rendered alone (one thread, before the service starts), as a hash per address.</summary>
    private static Dictionary<string, byte[]> Expected(int bodiesPerTenant)
    {
        var engine = Engine();
        var expected = new Dictionary<string, byte[]>(Tenants * bodiesPerTenant);
        for (var t = 0; t < Tenants; t++)
        {
            Progress.Show($"{Phase}: rendering {IsolationTemplate.Marker(t)}'s {bodiesPerTenant:N0} bodies alone");
            var definition = IsolationTemplate.Definition(ExpectedTenant(t));
            for (var r = 0; r < bodiesPerTenant; r++)
            {
                var parts = engine.Render(definition, IsolationTemplate.Data(t, r)).Parts;
                expected[IsolationTemplate.Email(t, r)] = IsolationMailbox.Hash(parts["subject"], parts["html"]);
            }
        }
        return expected;
    }

    /// <summary>The expected side's tenant: only the engine's cache key, which no rendered character depends on.</summary>
    private static Guid ExpectedTenant(int t) => new($"00000000-0000-0000-0000-{t + 1:D12}");

    private static async Task SendAsync(Providers.BenchTenant tenant, int t, Uri baseAddress, int count, int clients)
    {
        using var http = tenant.Client(baseAddress, clients);
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (true)
            {
                var first = Interlocked.Add(ref next, RecipientsPerRequest) - RecipientsPerRequest;
                if (first >= count) return;
                var n = Math.Min(RecipientsPerRequest, count - first);
                using var content = new ByteArrayContent(Body(t, first, n));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("api/v1/services/notifications/send-batch", content);
                var text = await response.Content.ReadAsStringAsync();
                // A recipient rejected would shrink the run unseen: every one must be accepted.
                if (response.StatusCode != HttpStatusCode.Accepted || JsonNode.Parse(text)?["accepted"]?.GetValue<int>() != n)
                    throw new InvalidOperationException($"send-batch ({IsolationTemplate.Marker(t)}): {(int)response.StatusCode} {text[..Math.Min(text.Length, 400)]}");
                Progress.Show($"{Phase}: {IsolationTemplate.Marker(t)} accepted {Math.Min(first + n, count):N0}/{count:N0}");
            }
        }));
    }

    private static byte[] Body(int t, int first, int n)
    {
        var recipients = new JsonArray(Enumerable.Range(first, n).Select(r => (JsonNode)new JsonObject
            { ["email"] = IsolationTemplate.Email(t, r), ["data"] = IsolationTemplate.Data(t, r) }).ToArray());
        var body = new JsonObject { ["channel"] = "email", ["template"] = IsolationTemplate.Key, ["recipients"] = recipients };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>How long the mailbox may receive nothing while work is still queued before the phase gives up.</summary>
    private static readonly TimeSpan Stalled = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Until every planned body arrived, nothing is left to deliver (the count then says what is missing), or nothing
    /// arrived for <see cref="Stalled"/>. No bound on the whole: on the shared host the service delivered 60 bodies a second
    /// (at a load average over 100), so a fixed 20 minutes cut a full run short while it was still delivering.
    /// </summary>
    private static async Task WaitDeliveredAsync(NpgsqlDataSource db, IsolationMailbox mailbox, long planned)
    {
        var clock = Stopwatch.StartNew();
        var (seen, lastProgress) = (-1L, TimeSpan.Zero);
        for (var tick = 0; mailbox.Compared < planned && clock.Elapsed - lastProgress < Stalled; tick++)
        {
            if (mailbox.Compared != seen) (seen, lastProgress) = (mailbox.Compared, clock.Elapsed);
            Progress.Show($"{Phase}: {mailbox.Compared:N0}/{planned:N0} bodies received, {mailbox.Differences:N0} differ ({clock.Elapsed.TotalSeconds:0} s)");
            if (tick % 20 == 19 && await QueueWatch.CountQueuedUnitsAsync(db) == 0 && mailbox.Compared < planned) return;
            await Task.Delay(250);
        }
    }

    private static async Task<long> NotSentAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("/* bench */ select count(*) from notifications where status <> 'sent'");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Where a received body parts from the one rendered alone, with a little of each around it.</summary>
    private static string Describe(TemplateEngine engine, ReceivedBody got)
    {
        var (marker, recipient) = (got.Email.Split('-')[0].ToUpperInvariant(), int.Parse(got.Email.Split('-', '@')[1]));
        var t = Enumerable.Range(0, Tenants).First(i => IsolationTemplate.Marker(i) == marker);
        var parts = engine.Render(IsolationTemplate.Definition(ExpectedTenant(t)), IsolationTemplate.Data(t, recipient)).Parts;
        var (alone, received) = ($"{parts["subject"]}\n{parts["html"]}", $"{got.Subject}\n{got.Html}");
        var at = 0;
        while (at < alone.Length && at < received.Length && alone[at] == received[at]) at++;
        var from = Math.Max(0, at - 40);
        string Around(string s) => s.Substring(Math.Min(from, s.Length), Math.Min(120, Math.Max(0, s.Length - from))).Replace('\n', ' ');
        return $"{got.Email}, from character {at}: alone `…{Around(alone)}…`, received `…{Around(received)}…`";
    }
}
