using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>One console page: server time (its Server-Timing header) and client time on loopback, ms.</summary>
public sealed record PageTiming(string Page, Percentiles ServerMs, Percentiles ClientMs);

public sealed record ConsoleBenchResult(long Notifications, int Requests, double SeedSeconds, IReadOnlyList<PageTiming> Pages,
    IReadOnlyList<PageTiming> WithoutIndexes, Percentiles SearchSqlMs, AcceptIndexCost AcceptCost, double Load);

/// <summary>
/// Issue 15's speed: a tenant with 1 M notifications (seeded in SQL), every console page fetched N times in a row by one
/// signed-in client (one at a time: service time, not queueing), and a delivery-log search by recipient. The indexes of
/// migration 480 are dropped for a first, shorter pass (what the pages cost without them) and made again from the
/// migration file itself; their cost on the accept path is <see cref="AcceptIndexCost"/>.
/// </summary>
public static class ConsoleRun
{
    public static async Task<ConsoleBenchResult> MeasureAsync(string dll, string repoRoot, Func<string, Task<string>> createDatabase,
        long rows, int requests, TimeSpan acceptRound, int acceptRounds)
    {
        // The console's indexes: migration 480's, as 540 (recipient search ignoring case) replaced some of them.
        var folder = Path.Combine(repoRoot, "src", "NotificationService", "Migrations");
        var migration = string.Join(";\n", await Task.WhenAll(new[] { "480_*.sql", "540_*.sql" }
            .Select(pattern => File.ReadAllTextAsync(Directory.GetFiles(folder, pattern).Single()))));
        var dropAll = string.Join(";", Regex.Matches(migration, @"create (index|statistics) (\w+)").Select(m => $"drop {m.Groups[1].Value} if exists {m.Groups[2].Value}"));
        var pages = await PagesAsync(dll, await createDatabase("console"), migration, dropAll, rows, requests);
        // After the console's service has stopped: its background loops would otherwise add to PostgreSQL's CPU.
        var cost = await AcceptIndexCost.MeasureAsync(dll, createDatabase, dropAll, acceptRound, acceptRounds);
        return pages with { AcceptCost = cost };
    }

    private static async Task<ConsoleBenchResult> PagesAsync(string dll, string cs, string migration, string dropAll, long rows, int requests)
    {
        await using var service = await ServiceProcess.StartAsync(dll, cs, "all");
        await using var db = NpgsqlDataSource.Create(cs);

        // Seeded without the indexes (faster), measured once without them, then made from the migration file itself.
        await ExecAsync(db, dropAll);
        var seedClock = Stopwatch.StartNew();
        var tenant = await ConsoleSeed.SeedAsync(db, rows);
        var seedSeconds = seedClock.Elapsed.TotalSeconds;

        using var console = await ConsoleClient.SignInAsync(service.BaseAddress, dll, cs, tenant);
        var urls = await PageUrlsAsync(db, tenant);

        var without = new List<PageTiming>();
        foreach (var (page, url) in urls.Where(u => u.Page.StartsWith("delivery log") || u.Page is "overview" or "queues"))
            without.Add(await TimeAsync(console, page, url, Math.Max(5, requests / 40)));
        Progress.Show("console: creating the indexes of migration 480");
        await ExecAsync(db, migration + "; analyze notifications");

        var pages = new List<PageTiming>();
        var unitMeter = await Costs.UnitMeter.StartAsync(db, "console pages (Mode=all, one client)");
        foreach (var (page, url) in urls) pages.Add(await TimeAsync(console, page, url, requests));
        await unitMeter.StopAsync(pages.Sum(p => (long)p.ClientMs.Count), "page");
        var searchSql = await SearchStatementAsync(db, tenant, requests);
        var load = LoadAverage.Now();

        return new ConsoleBenchResult(rows, requests, seedSeconds, pages, without, searchSql, new AcceptIndexCost([]), load);
    }

    /// <summary>Every page of the console's menu, one notification's page, and searches (recipients cycle over seeded users).</summary>
    private static async Task<List<(string Page, Func<int, string> Url)>> PageUrlsAsync(NpgsqlDataSource db, Guid tenant)
    {
        await using var cmd = db.CreateCommand("select id from notifications where tenant_id = $1 and status = 'delivered' order by created_at desc limit 1 offset 1000");
        cmd.Parameters.AddWithValue(tenant);
        var oneId = (Guid)(await cmd.ExecuteScalarAsync())!;
        return
        [
            ("overview", _ => "/admin"),
            ("queues", _ => "/admin/queues"),
            ("delivery log, newest first", _ => "/admin/notifications"),
            ("delivery log, search by email", i => $"/admin/notifications?recipient=user{i * 7919 % ConsoleSeed.Users}%40example.com"),
            ("delivery log, search by userId", i => $"/admin/notifications?recipient=user{i * 104729 % ConsoleSeed.Users}"),
            ("delivery log, status failed + channel sms", _ => "/admin/notifications?status=failed&channel=sms"),
            ("notification page", _ => $"/admin/notifications/{oneId}"),
            ("templates", _ => "/admin/templates"),
            ("providers", _ => "/admin/providers"),
            ("api keys", _ => "/admin/api-keys"),
            ("webhooks", _ => "/admin/webhooks"),
            ("sandbox", _ => "/admin/sandbox"),
            ("suppressions", _ => "/admin/suppressions"),
            ("audit", _ => "/admin/audit"),
            ("bulk", _ => "/admin/bulk"),
            ("analytics, 24 h by channel", _ => "/admin/analytics?period=24h&groupBy=channel"),
            ("analytics, 7 d by template", _ => "/admin/analytics?period=7d&groupBy=template"),
            ("analytics, 30 d by channel", _ => "/admin/analytics?period=30d&groupBy=channel"),
            ("analytics, 30 d by template", _ => "/admin/analytics?period=30d&groupBy=template"),
            ("analytics, 30 d by category", _ => "/admin/analytics?period=30d&groupBy=category"),
        ];
    }

    private static async Task<PageTiming> TimeAsync(ConsoleClient console, string page, Func<int, string> url, int n)
    {
        for (var i = 0; i < 3; i++) await console.GetAsync(url(n + i));   // warm-up: JIT, view compilation, plan caches
        var (server, client) = (new List<double>(n), new List<double>(n));
        for (var i = 0; i < n; i++)
        {
            if (i % 20 == 0) Progress.Show($"console: {page} {i}/{n}");
            var (s, c) = await console.GetAsync(url(i));
            server.Add(s);
            client.Add(c);
        }
        return new PageTiming(page, new Percentiles(server), new Percentiles(client));
    }

    /// <summary>The ceiling of the recipient search: the page's statement issued directly, one at a time.</summary>
    private static async Task<Percentiles> SearchStatementAsync(NpgsqlDataSource db, Guid tenant, int n)
    {
        await using var conn = await db.OpenConnectionAsync();
        var ms = new List<double>(n);
        for (var i = -3; i < n; i++)
        {
            await using var cmd = new NpgsqlCommand("""
                select id, channel, status, recipient::text, last_error, created_at, updated_at from notifications
                where tenant_id = $1 and (recipient->>'email' = $2 or recipient->>'phone' = $2 or recipient->>'userId' = $2)
                order by created_at desc, id desc limit 50
                """, conn);
            cmd.Parameters.AddWithValue(tenant);
            cmd.Parameters.AddWithValue($"user{Math.Abs(i) * 7919 % ConsoleSeed.Users}@example.com");
            var started = Stopwatch.GetTimestamp();
            await using (var r = await cmd.ExecuteReaderAsync()) while (await r.ReadAsync()) { }
            if (i >= 0) ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return new Percentiles(ms);
    }

    internal static async Task ExecAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>A signed-in console session: the demo owner's, through a one-time link from the binary's `members
/// sign-in-link` (the console takes people, not API keys), the link page's antiforgery token, then the session cookie.</summary>
public sealed partial class ConsoleClient : IDisposable
{
    private readonly HttpClient _http;

    private ConsoleClient(HttpClient http) => _http = http;

    public static async Task<ConsoleClient> SignInAsync(Uri baseAddress, string dll, string connectionString, Guid tenant)
    {
        var printed = await ServiceProcess.RunCommandAsync(dll, connectionString, "members", "sign-in-link", "--tenant", tenant.ToString(), "--email", "demo-owner@example.com");
        var link = LinkPath().Match(printed) is { Success: true } l ? l.Value : throw new InvalidOperationException($"no sign-in link in: {printed}");
        var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false, UseProxy = false };
        var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var form = await http.GetStringAsync(link);
        var csrf = Csrf().Match(form) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("sign-in link page without __csrf");
        using var res = await http.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string> { ["__csrf"] = WebUtility.HtmlDecode(csrf) }));
        if (res.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"console sign-in answered {(int)res.StatusCode}");
        return new ConsoleClient(http);
    }

    [GeneratedRegex(@"/admin/link/[0-9a-f]{32}\.[A-Za-z0-9_\-]{43}")]
    private static partial Regex LinkPath();

    /// <summary>(server ms from Server-Timing, client ms on loopback); a non-200 answer fails the phase.</summary>
    public async Task<(double Server, double Client)> GetAsync(string url)
    {
        var started = Stopwatch.GetTimestamp();
        using var res = await _http.GetAsync(url);
        await res.Content.ReadAsByteArrayAsync();
        var client = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (res.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {url} answered {(int)res.StatusCode}");
        var timing = res.Headers.TryGetValues("Server-Timing", out var v) ? v.First() : null;
        var server = timing is not null && Dur().Match(timing) is { Success: true } d ? double.Parse(d.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
        return (server, client);
    }

    [GeneratedRegex(@"name=""__csrf""[^>]*?value=""([^""]+)""")]
    private static partial Regex Csrf();

    [GeneratedRegex(@"dur=([0-9.]+)")]
    private static partial Regex Dur();

    public void Dispose() => _http.Dispose();
}
