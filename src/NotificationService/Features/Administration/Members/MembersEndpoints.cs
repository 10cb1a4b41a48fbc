using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// Members of a tenant: the people who run it in the console, each with a role (<see cref="RoleTable"/>). The admin API
/// (`/api/v1/admin/members`, admin keys) lists, invites, changes and removes them; the console's pages do the same for
/// owners and admins, and let every member sign in (password and TOTP), accept an invitation and see their sessions.
/// </summary>
public static class MembersEndpoints
{
    public sealed record InviteRequest(string? Email, string? Role);
    public sealed record UpdateRequest(string? Role, string? Status);

    public static IServiceCollection AddMembers(this IServiceCollection services)
    {
        // The console adds what joins members to its sessions: MemberSessions, MemberSignIn and the IMemberSessionEnder.
        services.AddSingleton<MemberStore>().AddSingleton<MemberLinks>().AddSingleton<MemberCredentials>().AddSingleton<PendingSignIn>()
            .AddSingleton<InvitationMail>().AddSingleton<MemberAdmin>().AddSingleton<MemberCommands>()
            .AddSingleton<SecondFactorRule>();
        services.AddSingleton<Operations.Seed.IDemoSeedStep, DemoOwner>();   // the quick start's demo owner
        // The platform API's create invites `ownerEmail` as the owner (the link, once) instead of answering a key.
        services.AddSingleton<Platform.FirstAdminKeyOnboarding>();
        services.AddSingleton<Platform.ITenantOwnerOnboarding, OwnerInvitationOnboarding>();
        services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o => o.Filters.Add(new RoleCheck()));   // every console page and form
        services.AddSingleton<IMemberOperationGate, MemberOperationGate>();   // every admin API operation a member calls with their token
        return services;
    }

    public static void MapMembers(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/admin/members").WithTags("Admin: members").RequireScopes();

        group.MapGet("/", async Task<Ok<List<MemberView>>> (HttpContext http, MemberStore members, CancellationToken ct) =>
            TypedResults.Ok((await members.ListAsync(http.User.TenantId(), ct)).Select(MemberView.Of).ToList()))
            .WithSummary("List the team's members (email, name, role, status, second factor, last sign-in)");

        group.MapPost("/invitations", async Task<Created<CreatedInvitation>> (HttpContext http, MemberAdmin admin, IConfiguration config,
            CancellationToken ct) =>
        {
            var (request, _) = await JsonBody.ReadAsync<InviteRequest>(http.Request, 4 * 1024, ct);
            var created = await admin.InviteAsync(http.User, request.Email, request.Role, BaseUrl(http, config), ct);
            return TypedResults.Created($"/api/v1/admin/members/{created.Member.Id}", created);
        }).Accepts<InviteRequest>("application/json")
            .WithSummary("Invite a person by email (the one-time link is in this answer, shown once, and in the email sent " +
                         "through the tenant's email channel)");

        group.MapPatch("/{id:guid}", async Task<Results<Ok<MemberView>, NotFound>> (Guid id, HttpContext http, MemberAdmin admin,
            CancellationToken ct) =>
        {
            var (request, _) = await JsonBody.ReadAsync<UpdateRequest>(http.Request, 4 * 1024, ct);
            return await admin.UpdateAsync(http.User, id, request.Role, request.Status, ct) is { } view
                ? TypedResults.Ok(view)
                : TypedResults.NotFound();
        }).Accepts<UpdateRequest>("application/json")
            .WithSummary("Change a member's role or status (a lower role or disabled ends their console sessions at once, " +
                         "on every replica)");

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, HttpContext http, MemberAdmin admin,
            CancellationToken ct) =>
            await admin.RemoveAsync(http.User, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Remove a member, or withdraw an invitation (their sessions and links end at once)");
    }

    /// <summary>Links point at `PublicBaseUrl` when set (behind a proxy), else at the address the request came to.</summary>
    public static string BaseUrl(HttpContext http, IConfiguration config) =>
        config["PublicBaseUrl"]?.TrimEnd('/') ?? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
}
