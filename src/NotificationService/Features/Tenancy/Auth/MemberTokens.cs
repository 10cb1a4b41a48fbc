using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace NotificationService.Features.Tenancy.Auth;

/// <summary>
/// A console member calls the admin API with a short-lived bearer token made from their console session (`nsm_…`, on
/// their account page), beside the service keys (`nsk_…`). The Bearer header is read here, once, for both: a key gets
/// its scopes, a member gets their role, and the role table (Administration/Members) decides which operations a member
/// may call. Tenancy only names the two seams, so it depends on no feature above it.
/// </summary>
public static class MemberTokens
{
    public const string Prefix = "nsm_";

    /// <summary>A person signed in (a console session or a member's token), not a service key.</summary>
    public static bool IsMember(this ClaimsPrincipal user) => user.HasClaim(c => c.Type == AuthClaims.MemberId);
}

/// <summary>Turns a member's token into their principal (tenant, member id, email, role), or null when it is not live.</summary>
public interface IMemberTokenAuthenticator
{
    Task<ClaimsPrincipal?> AuthenticateAsync(string token, CancellationToken ct);
}

/// <summary>Whether a member's role admits an operation (`METHOD /route` as <see cref="ScopeTable.KeyOf"/> spells it).</summary>
public interface IMemberOperationGate
{
    bool Allows(ClaimsPrincipal member, string operation);
}

/// <summary>
/// What every operation of the scope table requires: a key's scopes as its row says, or, for a member, the role table's
/// verdict on this operation. A member's scopes never open an operation by themselves (an editor's session carries `send`
/// for the console's test sends, not for the services API), so members reach only operations the role table names.
/// </summary>
public sealed record OperationRequirement(Access Access) : IAuthorizationRequirement;

public sealed class OperationAuthorization(IEnumerable<IMemberOperationGate> gates) : AuthorizationHandler<OperationRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OperationRequirement requirement)
    {
        var admitted = context.User.IsMember()
            ? context.Resource is HttpContext http && OperationOf(http) is { } operation
                && gates.Any(g => g.Allows(context.User, operation))
            : requirement.Access.Admits(context.User);
        if (admitted) context.Succeed(requirement);
        return Task.CompletedTask;
    }

    /// <summary>The request's operation as the table spells it, from the endpoint's route template.</summary>
    public static string? OperationOf(HttpContext http) =>
        http.GetEndpoint() is RouteEndpoint route ? ScopeTable.KeyOf(http.Request.Method, route.RoutePattern.RawText ?? "") : null;
}
