using System.Security.Claims;
using Microsoft.Extensions.Logging.Console;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Hosting;

/// <summary>
/// Logs as operators read them. The container image and the chart choose the JSON console formatter
/// (`Logging:Console:FormatterName=json`); `dotnet run` keeps the plain one. Every line carries the current trace and
/// span ids (from the request's or job's activity) and, in scopes, the tenant and, where a route names one, the
/// notification. A rejected API key is one line (ours, naming only the key's public id): the authentication and
/// authorization middleware's own lines for it are filtered out. Keys and tokens are never logged.
/// </summary>
public static class LoggingSetup
{
    public static bool JsonConsole(IConfiguration config) =>
        string.Equals(config["Logging:Console:FormatterName"], ConsoleFormatterNames.Json, StringComparison.OrdinalIgnoreCase);

    public static void AddStructuredLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.AddFilter(typeof(ApiKeyAuthenticationHandler).FullName, LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Authorization", LogLevel.Warning);
        // Every HttpClient calls a URL a tenant or operator chose (webhooks, providers, SSO, key sets), whose path is often
        // the receiver's secret (Slack's and Discord's incoming webhooks); .NET's client logging redacts only the query.
        // Their callers record or answer each outcome, so no client logs lines of its own.
        builder.Services.ConfigureHttpClientDefaults(client => client.RemoveAllLoggers());
    }

    /// <summary>After authentication: the tenant (and a notification the route names) in a scope around the rest of the request.</summary>
    public static void UseRequestLogScope(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("NotificationService.Requests");
        app.Use(async (http, next) =>
        {
            var tenant = http.User.FindFirstValue(AuthClaims.TenantIdClaim);
            var notification = http.Request.Path.StartsWithSegments("/api/v1/services/notifications")
                ? http.GetRouteValue("id") as string
                : null;
            if (tenant is null && notification is null) { await next(http); return; }
            using (log.BeginScope(new LogScope(tenant, notification))) await next(http);
        });
    }

    /// <summary>Keys as the JSON formatter writes them; null values are left out.</summary>
    private sealed class LogScope(string? tenantId, string? notificationId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] _items =
            [.. new[] { new KeyValuePair<string, object?>("TenantId", tenantId), new("NotificationId", notificationId) }
                .Where(p => p.Value is not null)];
        public KeyValuePair<string, object?> this[int index] => _items[index];
        public int Count => _items.Length;
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
            ((IEnumerable<KeyValuePair<string, object?>>)_items).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public override string ToString() => string.Join(", ", _items.Select(i => $"{i.Key}:{i.Value}"));
    }
}
