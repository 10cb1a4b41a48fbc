using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Tenancy.RateLimits;

/// <summary>429 from the per-tenant limit, with the headers already on the response.</summary>
public sealed class RateLimitedException(RateDecision d, string? detail = null)
    : ApiException(429, "Too many requests",
        detail ?? $"The {d.Class.Name()} rate limit of this tenant ({d.Limit.PerSecond:0.##}/s, burst {d.Limit.Burst:0}) is used up; "
            + $"retry after {RateLimitHeaders.Seconds(d.RetryAfter)} s.")
{
    public override void WriteHeaders(HttpResponse response) => RateLimitHeaders.Write(response, d);
}

/// <summary>IETF draft `RateLimit-Policy` / `RateLimit` fields (structured fields: `"send";q=400;w=2`, `"send";r=12;t=1`) and
/// Retry-After.</summary>
public static class RateLimitHeaders
{
    public static int Seconds(TimeSpan t) => (int)Math.Max(1, Math.Ceiling(t.TotalSeconds));

    public static void Write(HttpResponse response, RateDecision d)
    {
        var name = d.Class.Name();
        var remaining = Math.Max(0, Math.Floor(d.Remaining));
        var reset = d.Allowed ? (int)Math.Ceiling((d.Limit.Burst - remaining) / d.Limit.PerSecond) : Seconds(d.RetryAfter);
        response.Headers["RateLimit-Policy"] =
            $"\"{name}\";q={d.Limit.Burst.ToString("0", CultureInfo.InvariantCulture)};w={d.Limit.WindowSeconds}";
        response.Headers["RateLimit"] = $"\"{name}\";r={remaining.ToString("0", CultureInfo.InvariantCulture)};t={reset}";
        if (!d.Allowed) response.Headers.RetryAfter = Seconds(d.RetryAfter).ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Per-tenant API rate limits: token buckets per endpoint class (send, batch by recipients, admin, end-user), shared by
/// every replica, answered 429 with Retry-After and the RateLimit fields. `GET/PUT/DELETE /api/v1/admin/rate-limits`.
/// </summary>
public static class RateLimitEndpoints
{
    public static IServiceCollection AddRateLimits(this IServiceCollection services) => services
        .AddSingleton<SharedBuckets>()
        .AddSingleton<TenantLimits>()
        .AddSingleton<TenantRateLimiter>()
        .AddSingleton<RecipientBudget>()
        .AddSingleton<RefusalHold>();

    /// <summary>
    /// After authentication: charges each request of a limited class one token (batch recipients: <see cref="EnforceAsync"/>).
    /// A refusal is written here, not thrown: a flooding tenant's 429s are most of its requests, and an exception
    /// through the error handler costs many times the refusal itself, CPU the other tenants' requests share. It is
    /// held for its Retry-After first (<see cref="RefusalHold"/>), so a client retrying at once is slowed to that pace.
    /// </summary>
    public static void UseTenantRateLimits(this WebApplication app) => app.Use(async (http, next) =>
    {
        var limiter = http.RequestServices.GetRequiredService<TenantRateLimiter>();
        if (limiter.Enabled && EndpointClasses.Of(http.Request.Path) is { } c && http.User.FindFirst(AuthClaims.TenantIdClaim) is not null)
        {
            var decision = await limiter.TakeAsync(http.User.TenantId(), c, 1, http.RequestAborted);
            RateLimitHeaders.Write(http.Response, decision);
            if (!decision.Allowed)
            {
                // Retry-After as the header states it (whole seconds): what a well-behaved client would wait anyway.
                await http.RequestServices.GetRequiredService<RefusalHold>()
                    .HoldAsync(TimeSpan.FromSeconds(RateLimitHeaders.Seconds(decision.RetryAfter)), http.RequestAborted);
                var refused = new RateLimitedException(decision);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                await http.Response.WriteAsJsonAsync(new { type = "https://tools.ietf.org/html/rfc6585#section-4",
                    title = refused.Title, status = 429, detail = refused.Message, traceId = http.TraceIdentifier },
                    (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", http.RequestAborted);
                return;
            }
        }
        await next(http);
    });

    /// <summary>Charges <paramref name="cost"/> tokens; throws <see cref="RateLimitedException"/> (429) when the tenant has none
    /// left.</summary>
    public static Task EnforceAsync(HttpContext http, EndpointClass c, int cost, CancellationToken ct) =>
        EnforceAsync(http, http.User.TenantId(), c, cost, ct);

    /// <summary>The same, for a request whose tenant is not its caller's credential (a hosted page's signed link).</summary>
    public static async Task EnforceAsync(HttpContext http, Guid tenantId, EndpointClass c, int cost, CancellationToken ct)
    {
        var limiter = http.RequestServices.GetRequiredService<TenantRateLimiter>();
        if (!limiter.Enabled) return;
        var decision = await limiter.TakeAsync(tenantId, c, cost, ct);
        RateLimitHeaders.Write(http.Response, decision);
        if (!decision.Allowed) throw new RateLimitedException(decision);
    }

    public sealed record LimitView(string EndpointClass, double PerSecond, double Burst, string Source);
    public sealed record LimitChange(double PerSecond, double Burst);

    public static void MapRateLimits(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/admin/rate-limits").WithTags("Rate limits").RequireScopes();
        group.MapGet("", ListAsync).WithSummary("List the tenant's rate limits per endpoint class");
        group.MapPut("/{endpointClass}", SetAsync).WithSummary("Set the tenant's rate limit for one endpoint class");
        group.MapDelete("/{endpointClass}", ResetAsync).WithSummary("Reset one endpoint class to the default rate limit");
    }

    private static async Task<Ok<List<LimitView>>> ListAsync(HttpContext http, TenantLimits limits, CancellationToken ct)
    {
        var views = new List<LimitView>();
        foreach (var c in EndpointClasses.All)
        {
            var (limit, own) = await limits.ForAsync(http.User.TenantId(), c, ct);
            views.Add(new LimitView(c.Name(), limit.PerSecond, limit.Burst, own ? "tenant" : "default"));
        }
        return TypedResults.Ok(views);
    }

    /// <summary>
    /// A tenant's admin key may tighten its own limits, up to the configured defaults: raising a tenant above them is
    /// the operator's (a `tenant_rate_limits` row), since the key belongs to the tenant being limited.
    /// </summary>
    private static async Task<Ok<LimitView>> SetAsync(string endpointClass, HttpContext http, TenantLimits limits, CancellationToken ct)
    {
        var c = ClassOf(endpointClass);
        var (body, _) = await JsonBody.ReadAsync<LimitChange>(http.Request, ct: ct);
        var ceiling = limits.Default(c);
        var errors = new Dictionary<string, string[]>();
        if (!(body.PerSecond > 0) || body.PerSecond > ceiling.PerSecond)
            errors["perSecond"] = [$"Must be above 0 and at most the default, {ceiling.PerSecond}."];
        if (!(body.Burst >= 1) || body.Burst > ceiling.Burst)
            errors["burst"] = [$"Must be at least 1 and at most the default, {ceiling.Burst}."];
        if (errors.Count > 0) throw new RequestValidationException(errors);
        await limits.SetAsync(http.User.TenantId(), c, new RateLimit(body.PerSecond, body.Burst), ct);
        return TypedResults.Ok(new LimitView(c.Name(), body.PerSecond, body.Burst, "tenant"));
    }

    private static async Task<NoContent> ResetAsync(string endpointClass, HttpContext http, TenantLimits limits, CancellationToken ct)
    {
        await limits.ResetAsync(http.User.TenantId(), ClassOf(endpointClass), ct);
        return TypedResults.NoContent();
    }

    private static EndpointClass ClassOf(string name) => EndpointClasses.Parse(name)
        ?? throw new NotFoundException($"Endpoint class '{name}' (one of send, batch, admin, end_user)");
}
