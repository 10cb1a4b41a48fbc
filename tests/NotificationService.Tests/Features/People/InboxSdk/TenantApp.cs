using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NotificationService.Tests.Features.People.InboxSdk;

/// <summary>
/// A tenant's own web app on other loopback ports than the service (so another origin): its page embeds the component
/// as the README says (script tag with integrity, crossorigin) under a strict CSP, and its "backend" mints end-user
/// tokens with the tenant's API key for the page's getToken(). Listens on two ports: two origins, one of which a test
/// lists and the other not. `/?t={tenant}&u={user}&locale=…&categories=…&api=…` opens the page for a user.
/// </summary>
public sealed class TenantApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string Api, string Key)> _tenants = new();
    public string Origin { get; }
    public string OtherOrigin { get; }

    private TenantApp(WebApplication app, string origin, string other) => (_app, Origin, OtherOrigin) = (app, origin, other);

    /// <summary>Lets the page of <paramref name="tenantId"/> mint tokens on <paramref name="serviceUrl"/> with the key.</summary>
    public void Register(Guid tenantId, string serviceUrl, string apiKey) => _tenants[tenantId.ToString()] = (serviceUrl.TrimEnd('/'), apiKey);

    /// <param name="extra">More query: `pageSize=10` (the element's page-size), `theme=1` (the app's theme.css restyles it through
    /// custom properties and ::part), `badFirstToken=1` (getToken's first answer has a broken signature), `badToken=1` (every one has), `ttl=60` (tokens live that many seconds).</param>
    public string PageUrl(Guid tenantId, string userId, string locale = "en", string categories = "", bool otherOrigin = false, string extra = "") =>
        $"{(otherOrigin ? OtherOrigin : Origin)}/?t={tenantId}&u={Uri.EscapeDataString(userId)}&locale={locale}&categories={categories}&{extra}";

    public static async Task<TenantApp> StartAsync(string integrity)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => { k.Listen(System.Net.IPAddress.Loopback, 0); k.Listen(System.Net.IPAddress.Loopback, 0); });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        TenantApp? self = null;
        var backend = new HttpClient();

        app.MapGet("/", (HttpContext c) =>
        {
            var (api, _) = self!._tenants[c.Request.Query["t"].ToString()];
            c.Response.Headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'self' {api}; style-src 'self'; connect-src 'self' {api}; img-src 'self' data:";
            var locale = c.Request.Query["locale"].ToString();
            var dir = locale.StartsWith("ar") ? "rtl" : "ltr";
            return Results.Content($$"""
                <!DOCTYPE html>
                <html lang="{{locale}}" dir="{{dir}}">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Tenant app</title>
                <link rel="stylesheet" href="/app.css">{{(c.Request.Query["theme"] == "1" ? "<link rel=\"stylesheet\" href=\"/theme.css\">" : "")}}
                <script type="module" src="{{api}}/sdk/v1/inbox.js" integrity="{{integrity}}" crossorigin="anonymous"></script>
                <script type="module" src="/app.js"></script></head>
                <body><header class="bar"><span>Tenant app</span>
                <notification-inbox api="{{api}}" locale="{{locale}}" categories="{{c.Request.Query["categories"]}}" page-size="{{(c.Request.Query["pageSize"] is { Count: > 0 } size ? size.ToString() : "20")}}"></notification-inbox></header>
                <main><h1>Orders</h1><p>Some page content.</p></main></body></html>
                """, "text/html; charset=utf-8");
        });
        app.MapGet("/app.css", () => Results.Content(".bar{display:flex;justify-content:space-between;align-items:center;padding:8px 16px}"
            + "body{margin:0;font-family:sans-serif}main{padding:0 16px}", "text/css"));
        // The documented theming hooks: custom properties on the element, ::part() for its pieces.
        app.MapGet("/theme.css", () => Results.Content("notification-inbox{--ni-bg:rgb(255, 250, 240);--ni-radius:2px}"
            + "notification-inbox::part(badge){background:rgb(0, 90, 0)}", "text/css"));
        app.MapGet("/app.js", () => Results.Content("""
            const params = new URLSearchParams(location.search);
            window.inboxEvents = [];
            window.tokensFetched = 0;
            const inbox = document.querySelector('notification-inbox');
            for (const type of ['notification-click', 'notification-received', 'unread-count-change', 'inbox-error', 'inbox-open', 'inbox-close'])
              inbox.addEventListener(type, e => { window.inboxEvents.push({ type, detail: JSON.parse(JSON.stringify(e.detail)) }); if (type === 'notification-click') e.preventDefault(); });
            inbox.getToken = async () => {
              window.tokensFetched++;
              const res = await fetch(`/token?t=${params.get('t')}&u=${encodeURIComponent(params.get('u'))}&ttl=${params.get('ttl') ?? ''}`, { method: 'POST' });
              const token = (await res.json()).token;
              // a token the service refuses (its signature broken) as an expired one would be: the element must ask again
              const broken = params.get('badToken') === '1' || (params.get('badFirstToken') === '1' && window.tokensFetched === 1);
              return broken ? token.slice(0, -4) + 'AAAA' : token;
            };
            """, "text/javascript"));
        app.MapPost("/token", async (HttpContext c) =>
        {
            var (api, key) = self!._tenants[c.Request.Query["t"].ToString()];
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{api}/api/v1/services/users/{Uri.EscapeDataString(c.Request.Query["u"]!)}/token")
            { Content = JsonContent.Create(int.TryParse(c.Request.Query["ttl"], out var ttl) ? new { expiresInSeconds = (int?)ttl } : new { expiresInSeconds = (int?)null }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var minted = await backend.SendAsync(request);
            return Results.Content(await minted.Content.ReadAsStringAsync(), "application/json", statusCode: (int)minted.StatusCode);
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        self = new TenantApp(app, addresses[0], addresses[1]);
        return self;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
