using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Channels;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using NotificationService.Templates;

namespace NotificationService.Features.Sending.Templates;

/// <summary>`/api/v1/admin/templates`: CRUD, versions, publish/rollback, preview and test-send; partials and
/// layouts live under the same group (see <see cref="FragmentEndpoints"/>). Admin scope; tenant from the key.</summary>
public static class TemplateAdminEndpoints
{
    public const int TrialBodyLimit = 2 * 1024 * 1024; // data may be 1 MB: let the data check answer, not the body limit

    public static IServiceCollection AddTemplatesAdmin(this IServiceCollection services) => services
        .AddSingleton(sp => new TemplateEngine(limits: RenderLimitsFrom(sp.GetRequiredService<IConfiguration>())))
        .AddSingleton<TemplateResolver>()
        .AddSingleton<TemplateVersionStore>().AddSingleton<RequiredData>()
        .AddSingleton<FragmentStore>().AddSingleton<TemplateQueries>().AddSingleton<TemplateCommands>()
        .AddSingleton<TemplateValidator>().AddSingleton<TemplateCreation>().AddSingleton<TemplateTrial>()
        .AddSingleton<TemplateDraftPreview>().AddSingleton<PublishGuard>();

    public static void MapTemplatesAdmin(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/admin/templates").WithTags("Admin: templates").RequireScopes();
        group.MapPost("/", CreateAsync).WithSummary("Create a template (its first version)").Audited("template.create", "template")
            .Accepts<TemplateRequest>("application/json").ProducesValidationProblem().ProducesValidationProblem(422);
        group.MapGet("/", ListAsync).WithSummary("List templates");
        group.MapGet("/{id:guid}", async Task<Results<Ok<TemplateView>, NotFound>> (Guid id, HttpContext http, TemplateQueries q,
                CancellationToken ct) =>
            await q.GetAsync(http.User.TenantId(), id, ct) is { } v ? TypedResults.Ok(v) : TypedResults.NotFound())
            .WithSummary("Get a template with its published version");
        group.MapPut("/{id:guid}", UpdateAsync).WithSummary("Save a new draft version of a template")
            .Audited("template.update", "template",
                (http, id) => Before<TemplateQueries>(http, q => q.GetAsync(http.User.TenantId(), Guid.Parse(id), http.RequestAborted)))
            .Accepts<TemplateRequest>("application/json").ProducesValidationProblem().ProducesValidationProblem(422);
        group.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, HttpContext http, TemplateCommands c,
                CancellationToken ct) =>
            await c.DeleteAsync(http.User.TenantId(), id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a template")
            .Audited("template.delete", "template",
                (http, id) => Before<TemplateQueries>(http, q => q.GetAsync(http.User.TenantId(), Guid.Parse(id), http.RequestAborted)));
        group.MapGet("/{id:guid}/versions", async Task<Results<Ok<IReadOnlyList<VersionView>>, NotFound>> (Guid id, HttpContext http,
                TemplateQueries q, CancellationToken ct) =>
            await q.VersionsAsync(http.User.TenantId(), id, ct) is { } v ? TypedResults.Ok(v) : TypedResults.NotFound())
            .WithSummary("List a template's versions");
        group.MapPost("/{id:guid}/publish", PublishAsync).WithSummary("Publish a version of a template")
            .Audited("template.publish", "template",
                (http, id) => Before<TemplateQueries>(http, q => q.GetAsync(http.User.TenantId(), Guid.Parse(id), http.RequestAborted)))
            .Accepts<PublishRequest>("application/json");
        group.MapPost("/{id:guid}/rollback", RollbackAsync).WithSummary("Roll a template back to its previously published version")
            .Audited("template.rollback", "template",
                (http, id) => Before<TemplateQueries>(http, q => q.GetAsync(http.User.TenantId(), Guid.Parse(id), http.RequestAborted)));
        group.MapPost("/{id:guid}/preview", async Task<Ok<PreviewResult>> (Guid id, HttpContext http, TemplateTrial trial,
            CancellationToken ct) =>
        {
            var (req, _) = await JsonBody.ReadAsync<PreviewRequest>(http.Request, TrialBodyLimit, ct);
            return TypedResults.Ok(await trial.PreviewAsync(http.User.TenantId(), id, req, ct));
        }).WithSummary("Render a template version with sample data").Accepts<PreviewRequest>("application/json");
        group.MapFragments();
    }

    private static async Task<Created<TemplateView>> CreateAsync(HttpContext http, TemplateCreation creation, TemplateQueries queries,
        CancellationToken ct)
    {
        var (req, _) = await JsonBody.ReadAsync<TemplateRequest>(http.Request, ct: ct);
        var tenantId = http.User.TenantId();
        var id = await creation.CreateAsync(tenantId, req, ct);
        return TypedResults.Created($"/api/v1/admin/templates/{id}", await queries.GetAsync(tenantId, id, ct));
    }

    private static async Task<Ok<TemplatePage>> ListAsync(string? channel, string? locale, string? key, int? limit, string? cursor,
        HttpContext http, TemplateQueries queries, CancellationToken ct)
    {
        Guid? after = null;
        if (cursor is not null)
            after = Guid.TryParse(cursor, out var c) ? c
                : throw RequestValidationException.For("cursor", "Use the nextCursor of the previous page.");
        if (limit is < 1 or > 100) throw RequestValidationException.For("limit", "Between 1 and 100.");
        var normalized = locale is null ? null
            : TemplateRules.NormalizeLocale(locale) ?? throw RequestValidationException.For("locale", TemplateRules.LocaleMessage);
        return TypedResults.Ok(await queries.ListAsync(http.User.TenantId(), channel, normalized, key, limit ?? 50, after, ct));
    }

    /// <summary>Every update is a new draft version; key, channel and locale identify the template and stay.</summary>
    private static async Task<Results<Ok<TemplateView>, NotFound>> UpdateAsync(Guid id, HttpContext http, TemplateValidator validator,
        TemplateCommands commands, TemplateQueries queries, CancellationToken ct)
    {
        var (req, _) = await JsonBody.ReadAsync<TemplateRequest>(http.Request, ct: ct);
        var tenantId = http.User.TenantId();
        if (await queries.GetAsync(tenantId, id, ct) is not { } current) return TypedResults.NotFound();
        var errors = new Dictionary<string, string[]>();
        if (req.Key is not null && req.Key != current.Key) errors["key"] = ["The key cannot change; create a new template instead."];
        if (req.Channel is not null && req.Channel != current.Channel)
            errors["channel"] = ["The channel cannot change; create a new template instead."];
        if (req.Locale is not null && TemplateRules.NormalizeLocale(req.Locale) != current.Locale)
            errors["locale"] = ["The locale cannot change; create a new template instead."];
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var content = await validator.PrepareAsync(tenantId, current.Channel, req, ct);
        if (!await commands.UpdateAsync(tenantId, id, req.Description, content, ct)) return TypedResults.NotFound();
        return TypedResults.Ok((await queries.GetAsync(tenantId, id, ct))!);
    }

    private static async Task<Results<Ok<TemplateView>, NotFound>> PublishAsync(Guid id, HttpContext http, TemplateCommands commands,
        TemplateQueries queries, PublishGuard guard, CancellationToken ct)
    {
        // The body is optional: no body publishes the latest version.
        var req = http.Request.ContentLength == 0 || http.Request.ContentLength is null && http.Request.ContentType is null
            ? new PublishRequest() : (await JsonBody.ReadAsync<PublishRequest>(http.Request, ct: ct)).Value;
        var tenantId = http.User.TenantId();
        await guard.CheckAsync(tenantId, id, req.Version, req.ConfirmMissingVariables == true, ct);
        if (await commands.PublishAsync(tenantId, id, req.Version, ct) != PublishOutcome.Done)
        {
            if (req.Version is not null && await queries.GetAsync(tenantId, id, ct) is not null)
                throw new NotFoundException($"Version {req.Version} of the template", "version");
            return TypedResults.NotFound();
        }
        return TypedResults.Ok((await queries.GetAsync(tenantId, id, ct))!);
    }

    private static async Task<Results<Ok<TemplateView>, NotFound>> RollbackAsync(Guid id, HttpContext http, TemplateCommands commands,
        TemplateQueries queries, CancellationToken ct)
    {
        var tenantId = http.User.TenantId();
        if (await commands.RollbackAsync(tenantId, id, ct) == PublishOutcome.Done)
            return TypedResults.Ok((await queries.GetAsync(tenantId, id, ct))!);
        if (await queries.GetAsync(tenantId, id, ct) is null) return TypedResults.NotFound();
        throw new ConflictException("There is no earlier published version to roll back to.");
    }

    private static async Task<object?> Before<T>(HttpContext http, Func<T, Task<TemplateView?>> load) where T : notnull =>
        await load(http.RequestServices.GetRequiredService<T>());

    /// <summary>`Templates:MaxRenderSteps` (10,000,000), `Templates:MaxPartChars` (1,000,000) and the wall-clock backstop
    /// `Templates:RenderTimeoutMs` (30000): every render's budget; `Templates:CompileTimeoutMs` (10000): every compile's.</summary>
    private static RenderLimits RenderLimitsFrom(IConfiguration config) => new(
        TimeSpan.FromMilliseconds(Math.Clamp(config.GetValue("Templates:RenderTimeoutMs", 30_000), 10, 300_000)),
        Math.Clamp(config.GetValue("Templates:MaxPartChars", 1_000_000), 1_000, 50_000_000))
    {
        MaxSteps = Math.Clamp(config.GetValue("Templates:MaxRenderSteps", 10_000_000L), 1_000, 1_000_000_000),
        MaxCompileDuration = TimeSpan.FromMilliseconds(Math.Clamp(config.GetValue("Templates:CompileTimeoutMs", 10_000), 100, 120_000)),
    };
}
