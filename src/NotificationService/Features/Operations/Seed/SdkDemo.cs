using NotificationService.Features.People.EndUserAuth;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.InboxSdk;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Operations.Seed;

public sealed record SdkDemoSettings(bool Enabled);

public sealed record DemoSendRequest
{
    public string? Title { get; init; }
}

/// <summary>
/// `/sdk/demo`: the inbox component beside a button that sends an in_app notification, for the quick start. It mints
/// tokens for the user `demo-user` of the demo tenant and sends to that user without any credential, so it is served
/// only where the demo tenant is seeded (`Seed:OnStart`, on by default only on the embedded PostgreSQL) or where an
/// operator turns it on (`Sdk:Demo`); `Sdk:Demo=false` turns it off everywhere. The page has no inline script or style.
/// </summary>
public static class SdkDemo
{
    public const string DemoUser = "demo-user";
    private const string Csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static bool Enabled(IConfiguration config) =>
        config.GetValue<bool?>("Sdk:Demo") ?? config.GetValue<bool?>("Seed:OnStart") ?? config.GetValue("Postgres:Embedded", false);

    private static readonly SdkAsset Page = new("sdk/demo/index.html", "text/html; charset=utf-8");
    private static readonly SdkAsset Script = new("sdk/demo/demo.js", "text/javascript; charset=utf-8");
    private static readonly SdkAsset Styles = new("sdk/demo/demo.css", "text/css; charset=utf-8");

    public static IServiceCollection AddDemoPage(this IServiceCollection services, IConfiguration config) =>
        services.AddSingleton(new SdkDemoSettings(Enabled(config)));

    public static void MapDemoPage(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<SdkDemoSettings>().Enabled) return;
        var sdk = app.MapGroup("/sdk").ExcludeFromDescription();   // a page, not an API operation
        sdk.MapGet("/demo", (HttpContext http) =>
        {
            http.Response.Headers.ContentSecurityPolicy = Csp;
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            return SdkEndpoints.Serve(http, Page, "no-cache");
        });
        sdk.MapGet("/demo/demo.js", (HttpContext http) => SdkEndpoints.Serve(http, Script, "no-cache"));
        sdk.MapGet("/demo/demo.css", (HttpContext http) => SdkEndpoints.Serve(http, Styles, "no-cache"));
        sdk.MapPost("/demo/token", async (UserTokenIssuer issuer, CancellationToken ct) =>
            Results.Ok(await issuer.MintAsync(DemoSeeder.DemoTenantId, DemoUser, TimeSpan.FromMinutes(15), ct)));
        sdk.MapPost("/demo/send", async (HttpContext http, SendHandler sends, CancellationToken ct) =>
        {
            var (body, raw) = await JsonBody.ReadAsync<DemoSendRequest>(http.Request, 4096, ct);
            var title = string.IsNullOrWhiteSpace(body.Title) ? "Hello from the demo" : body.Title.Trim();
            var send = new SendRequest
            {
                Channel = "in_app",
                Recipient = new SendRecipient { UserId = DemoUser },
                // Inline content is a template: the typed title goes in as data, never as template text, so whoever
                // reaches the page (it needs no credential) cannot make the service compile and run a template of theirs.
                Content = new ContentDto
                {
                    Title = "{{title}}", Body = "Sent from /sdk/demo at {{at}}.",
                    Actions = [new ActionDto { Label = "Open the docs", Url = "/swagger" }],
                },
                Data = new System.Text.Json.Nodes.JsonObject
                {
                    ["title"] = title, ["at"] = DateTimeOffset.UtcNow.ToString("HH:mm:ss") + " UTC"
                },
            };
            var outcome = await sends.AcceptAsync(DemoSeeder.DemoTenantId, send, raw, null, "/api/v1/services/notifications", ct);
            return Results.Content(outcome.Body, "application/json", statusCode: outcome.StatusCode);
        });
    }
}
