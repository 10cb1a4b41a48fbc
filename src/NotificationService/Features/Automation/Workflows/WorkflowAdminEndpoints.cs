using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>A workflow with a definition: the published version's, or the latest when none is published.</summary>
public sealed record WorkflowDetail(Guid Id, string Key, string Name, string? Category, int? PublishedVersion, int LatestVersion,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int DefinitionVersion, JsonNode Definition);

public sealed record WorkflowPage(IReadOnlyList<WorkflowView> Items, string? NextCursor);

public sealed record WorkflowVersionDetail(int Version, bool Published, JsonNode Definition);

public sealed record WorkflowPublishRequest(int? Version);

public sealed record ValidationAnswer(bool Valid);

/// <summary>`/api/v1/admin/workflows`: create, save versions, publish, roll back, validate, list, delete; the schema at
/// `/api/v1/admin/schemas/workflow.json`. Admin scope; tenant from the key. Problems of a definition are a 422 whose
/// `errors` map each JSON path (`$.steps[1].timeout`) to what is wrong there.</summary>
public static class WorkflowAdminEndpoints
{
    public static void MapWorkflowAdmin(this WebApplication app)
    {
        app.MapGet("/api/v1/admin/schemas/workflow.json", () => Results.Text(WorkflowSchema.Json, "application/schema+json"))
            .WithTags("Admin: workflows").WithSummary("The JSON Schema of a workflow definition").RequireScopes()
            .Produces<JsonObject>(200, "application/schema+json");
        var g = app.MapGroup("/api/v1/admin/workflows").WithTags("Admin: workflows").RequireScopes();
        g.MapPost("/", CreateAsync).WithSummary("Create a workflow (version 1, a draft)").Audited("workflow.create", "workflow")
            .Accepts<JsonObject>("application/json").ProducesValidationProblem(422).ProducesProblem(409);
        g.MapPost("/validate", ValidateAsync).WithSummary("Check a definition without saving it (422 lists every problem by JSON path)")
            .Accepts<JsonObject>("application/json").ProducesValidationProblem(422);
        g.MapGet("/", ListAsync).WithSummary("List workflows (by key)");
        g.MapGet("/{key}", GetAsync).WithSummary("Get a workflow with its published (else latest) definition");
        g.MapPut("/{key}", SaveAsync).WithSummary("Save a new draft version of a workflow")
            .Audited("workflow.update", "workflow", targetOf: Key)
            .Accepts<JsonObject>("application/json").ProducesValidationProblem(422);
        g.MapDelete("/{key}", async Task<Results<NoContent, NotFound>> (string key, HttpContext http, WorkflowStore store,
                CancellationToken ct) =>
            await store.DeleteAsync(http.User.TenantId(), key, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a workflow (its runs go on with their version)").Audited("workflow.delete", "workflow", targetOf: Key);
        g.MapGet("/{key}/versions", async Task<Results<Ok<IReadOnlyList<WorkflowVersionView>>, NotFound>> (string key, HttpContext http,
                WorkflowStore store, CancellationToken ct) =>
            await store.VersionsAsync(http.User.TenantId(), key, ct) is { } v ? TypedResults.Ok(v) : TypedResults.NotFound())
            .WithSummary("List a workflow's versions");
        g.MapGet("/{key}/versions/{version:int}", VersionAsync).WithSummary("Get one version's definition");
        g.MapPost("/{key}/publish", PublishAsync).WithSummary("Publish a version (the latest when none is named)")
            .Audited("workflow.publish", "workflow", targetOf: Key)
            .Accepts<WorkflowPublishRequest>("application/json").ProducesProblem(404);
        g.MapPost("/{key}/rollback", RollbackAsync).WithSummary("Publish the version published before the current one")
            .Audited("workflow.rollback", "workflow", targetOf: Key).ProducesProblem(404).ProducesProblem(409);
    }

    private static string? Key(HttpContext http) => http.GetRouteValue("key")?.ToString();

    private static async Task<(WorkflowDefinition Definition, string Json)> ReadAsync(HttpContext http, WorkflowValidation validation,
        CancellationToken ct)
    {
        var (_, raw) = await JsonBody.ReadAsync<JsonObject>(http.Request, WorkflowValidation.MaxDefinitionBytes, ct);
        var json = Encoding.UTF8.GetString(raw);
        return (await validation.RequireAsync(http.User.TenantId(), json, ct), json);
    }

    private static async Task<Created<WorkflowDetail>> CreateAsync(HttpContext http, WorkflowValidation validation, WorkflowStore store,
        CancellationToken ct)
    {
        var (definition, json) = await ReadAsync(http, validation, ct);
        await store.CreateAsync(http.User.TenantId(), definition, json, ct);
        return TypedResults.Created($"/api/v1/admin/workflows/{definition.Key}",
            (await DetailAsync(store, http.User.TenantId(), definition.Key, ct))!);
    }

    private static async Task<Ok<ValidationAnswer>> ValidateAsync(HttpContext http, WorkflowValidation validation, CancellationToken ct)
    {
        await ReadAsync(http, validation, ct);
        return TypedResults.Ok(new ValidationAnswer(true));
    }

    private static async Task<Results<Ok<WorkflowDetail>, NotFound>> SaveAsync(string key, HttpContext http, WorkflowValidation validation,
        WorkflowStore store, CancellationToken ct)
    {
        var (definition, json) = await ReadAsync(http, validation, ct);
        if (definition.Key != key)
            throw RequestValidationException.For("$.key",
                $"The definition's key must be '{key}' (the key in the path); a key cannot change.");
        if (await store.SaveVersionAsync(http.User.TenantId(), definition, json, ct) is null) return TypedResults.NotFound();
        return TypedResults.Ok((await DetailAsync(store, http.User.TenantId(), key, ct))!);
    }

    private static async Task<Results<Ok<WorkflowDetail>, NotFound>> GetAsync(string key, HttpContext http, WorkflowStore store,
        CancellationToken ct) =>
        await DetailAsync(store, http.User.TenantId(), key, ct) is { } d ? TypedResults.Ok(d) : TypedResults.NotFound();

    private static async Task<Ok<WorkflowPage>> ListAsync(int? limit, string? cursor, HttpContext http, WorkflowStore store,
        CancellationToken ct)
    {
        if (limit is < 1 or > 100) throw RequestValidationException.For("limit", "Between 1 and 100.");
        var items = await store.ListAsync(http.User.TenantId(), cursor, (limit ?? 50) + 1, ct);
        var more = items.Count > (limit ?? 50);
        var page = more ? items.Take(limit ?? 50).ToList() : items;
        return TypedResults.Ok(new WorkflowPage(page, more ? page[^1].Key : null));
    }

    private static async Task<Results<Ok<WorkflowVersionDetail>, NotFound>> VersionAsync(string key, int version, HttpContext http,
        WorkflowStore store, CancellationToken ct)
    {
        var tenantId = http.User.TenantId();
        if (await store.VersionAsync(tenantId, key, version, publishedOnly: false, ct) is not { } v) return TypedResults.NotFound();
        var published = (await store.GetAsync(tenantId, key, ct))?.PublishedVersion == version;
        return TypedResults.Ok(new WorkflowVersionDetail(version, published, JsonNode.Parse(v.Json)!));
    }

    private static async Task<Results<Ok<WorkflowDetail>, NotFound>> PublishAsync(string key, HttpContext http, WorkflowStore store,
        CancellationToken ct)
    {
        var request = http.Request.ContentLength is > 0
            ? (await JsonBody.ReadAsync<WorkflowPublishRequest>(http.Request, 4096, ct)).Value
            : new WorkflowPublishRequest(null);
        if (await store.PublishAsync(http.User.TenantId(), key, request.Version, ct) == WorkflowPublish.NotFound)
        {
            // The workflow is there, the version is not: a 404 naming `version`, as a template's publish answers.
            if (request.Version is { } version && await store.GetAsync(http.User.TenantId(), key, ct) is not null)
                throw new NotFoundException($"Version {version} of the workflow", "version");
            return TypedResults.NotFound();
        }
        return TypedResults.Ok((await DetailAsync(store, http.User.TenantId(), key, ct))!);
    }

    private static async Task<Results<Ok<WorkflowDetail>, NotFound>> RollbackAsync(string key, HttpContext http, WorkflowStore store,
        CancellationToken ct)
    {
        switch (await store.RollbackAsync(http.User.TenantId(), key, ct))
        {
            case WorkflowPublish.NotFound: return TypedResults.NotFound();
            case WorkflowPublish.NothingToRollBack: throw new ConflictException("Nothing was published before the current version.");
        }
        return TypedResults.Ok((await DetailAsync(store, http.User.TenantId(), key, ct))!);
    }

    public static async Task<WorkflowDetail?> DetailAsync(WorkflowStore store, Guid tenantId, string key, CancellationToken ct)
    {
        if (await store.GetAsync(tenantId, key, ct) is not { } w) return null;
        var version = w.PublishedVersion ?? w.LatestVersion;
        var stored = await store.VersionAsync(tenantId, w.Id, version, ct);
        return new WorkflowDetail(w.Id, w.Key, w.Name, w.Category, w.PublishedVersion, w.LatestVersion, w.CreatedAt, w.UpdatedAt, version,
            JsonNode.Parse(stored!.Json)!);
    }
}
