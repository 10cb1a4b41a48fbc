using NotificationService.Features.Tenancy.Tenants;
using static NotificationService.Features.Administration.Members.MemberRoles;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// The one table of what each role may do: every console page and form (`GET /admin/templates`, `POST
/// /admin/templates/{id}?handler=publish`) and every admin API operation (<see cref="Api"/>) belongs to an
/// <see cref="Area"/>, and each area names the roles allowed in it. Keys keep their scopes (ScopeTable); a member's
/// role is decided here. <see cref="RoleCheck"/> enforces it on every console request, <see cref="MemberOperationGate"/>
/// on every API operation; docs/console.md carries the same table; `RoleTableTests` and `AdminApiRoleMatrixTests` walk
/// every console handler and every admin operation as each role against it, so one without a row fails.
/// Owners and admins may do everything (an admin cannot change or remove an owner: <see cref="MemberAdmin"/> checks
/// that, it depends on the target, not the operation).
/// </summary>
public static partial class RoleTable
{
    public enum Area { Read, Content, Operations, Settings, Members, SignInPolicy }

    public static readonly IReadOnlyDictionary<Area, string[]> Roles = new Dictionary<Area, string[]>
    {
        [Area.Read] = [Owner, Admin, Editor, Operator, Viewer],          // every page, read-only; viewers see addresses masked, no bodies
        [Area.Content] = [Owner, Admin, Editor],                         // templates, layouts, partials, workflows, categories, topics;
                                                                         // test sends
        [Area.Operations] = [Owner, Admin, Operator],                    // queues, dead jobs, retries, bulk jobs, webhook deliveries,
                                                                         // suppressions
        [Area.Settings] = [Owner, Admin],                                // providers, webhook endpoints, keys, origins, erase, audit
        [Area.Members] = [Owner, Admin],                                 // members and invitations (an admin never touches an owner)
        [Area.SignInPolicy] = [Owner, Admin],                            // single sign-on and its domains (reach: RoleTable.SignIn.cs)
    };

    public static readonly IReadOnlyDictionary<string, Area> Console = new Dictionary<string, Area>
    {
        ["GET /admin"] = Area.Read,
        ["GET /admin/notifications"] = Area.Read,
        ["GET /admin/notifications/{id}"] = Area.Read,
        ["GET /admin/sandbox"] = Area.Read,
        ["GET /admin/analytics"] = Area.Read,
        ["GET /admin/audit"] = Area.Settings,
        ["GET /admin/templates"] = Area.Read,
        ["GET /admin/templates/{id}"] = Area.Read,
        ["POST /admin/templates/{id}?handler=preview"] = Area.Read,      // renders a draft, stores nothing
        ["POST /admin/templates/{id}?handler=save"] = Area.Content,
        ["POST /admin/templates/{id}?handler=publish"] = Area.Content,
        ["POST /admin/templates/{id}?handler=rollback"] = Area.Content,
        ["POST /admin/templates/{id}?handler=testsend"] = Area.Content,
        ["GET /admin/templates/new"] = Area.Content,
        ["POST /admin/templates/new"] = Area.Content,
        ["GET /admin/{kind}"] = Area.Read,                               // layouts and partials
        ["POST /admin/{kind}?handler=save"] = Area.Content,
        ["POST /admin/{kind}?handler=delete"] = Area.Content,
        ["GET /admin/categories"] = Area.Read,
        ["POST /admin/categories?handler=save"] = Area.Content,
        ["POST /admin/categories?handler=delete"] = Area.Content,
        ["GET /admin/topics"] = Area.Read,
        ["GET /admin/topics?handler=progress"] = Area.Read,
        ["POST /admin/topics?handler=save"] = Area.Content,
        ["POST /admin/topics?handler=delete"] = Area.Content,
        ["POST /admin/topics?handler=members"] = Area.Content,
        ["POST /admin/topics?handler=send"] = Area.Content,
        ["POST /admin/topics?handler=cancel"] = Area.Content,
        ["GET /admin/workflows"] = Area.Read,
        ["GET /admin/workflows/edit"] = Area.Read,
        ["POST /admin/workflows/edit?handler=validate"] = Area.Read,     // checks a definition, stores nothing
        ["POST /admin/workflows/edit?handler=stepproblems"] = Area.Read, // the canvas's check, stores nothing
        ["GET /admin/workflows/edit?handler=templates"] = Area.Read,     // the send form's template picker: keys and variables
        ["POST /admin/workflows/edit?handler=save"] = Area.Content,
        ["POST /admin/workflows/edit?handler=testtrigger"] = Area.Content,
        ["POST /admin/workflows/edit?handler=testrun"] = Area.Content,
        ["GET /admin/workflows/runs"] = Area.Read,
        ["GET /admin/workflows/runs/{id}"] = Area.Read,
        ["GET /admin/workflows/runs/{id}?handler=timeline"] = Area.Read,   // the run page's live timeline
        ["POST /admin/workflows/runs/{id}?handler=cancel"] = Area.Operations,
        ["POST /admin/workflows/runs/{id}?handler=resume"] = Area.Operations,
        ["GET /admin/queues"] = Area.Read,
        ["GET /admin/queues?handler=stats"] = Area.Read,
        ["POST /admin/queues?handler=retry"] = Area.Operations,
        ["POST /admin/queues?handler=delete"] = Area.Operations,
        ["POST /admin/queues?handler=cancel"] = Area.Operations,
        ["GET /admin/bulk"] = Area.Read,
        ["POST /admin/bulk?handler=upload"] = Area.Operations,
        ["GET /admin/bulk/{id}"] = Area.Read,
        ["GET /admin/bulk/{id}?handler=progress"] = Area.Read,
        ["GET /admin/bulk/{id}?handler=errors"] = Area.Read,
        ["POST /admin/bulk/{id}?handler=cancel"] = Area.Operations,
        ["GET /admin/suppressions"] = Area.Read,
        ["POST /admin/suppressions?handler=lift"] = Area.Operations,
        ["GET /admin/webhooks"] = Area.Read,
        ["POST /admin/webhooks?handler=replay"] = Area.Operations,
        ["POST /admin/webhooks?handler=create"] = Area.Settings,
        ["POST /admin/webhooks?handler=delete"] = Area.Settings,
        ["POST /admin/webhooks?handler=events"] = Area.Settings,
        ["POST /admin/webhooks?handler=rotate"] = Area.Settings,
        ["GET /admin/providers"] = Area.Read,
        ["POST /admin/providers?handler=test"] = Area.Settings,
        ["GET /admin/providers/edit"] = Area.Settings,
        ["POST /admin/providers/edit"] = Area.Settings,
        ["POST /admin/providers/edit?handler=delete"] = Area.Settings,
        ["GET /admin/users"] = Area.Read,
        ["POST /admin/users?handler=erase"] = Area.Settings,
        ["GET /admin/web-origins"] = Area.Read,
        ["POST /admin/web-origins"] = Area.Settings,
        ["GET /admin/settings"] = Area.Read,
        ["POST /admin/settings"] = Area.Settings,
        ["GET /admin/api-keys"] = Area.Settings,
        ["POST /admin/api-keys?handler=create"] = Area.Settings,
        ["POST /admin/api-keys?handler=revoke"] = Area.Settings,
        ["GET /admin/members"] = Area.Members,
        ["POST /admin/members?handler=invite"] = Area.Members,
        ["POST /admin/members?handler=update"] = Area.Members,
        ["POST /admin/members?handler=remove"] = Area.Members,
        ["GET /admin/sso"] = Area.Read,                                  // single sign-on as policy, for every member
        ["GET /admin/account"] = Area.Read,                             // one's own sessions and second factor
        ["POST /admin/account?handler=revoke"] = Area.Read,
        ["POST /admin/account?handler=token"] = Area.Read,               // a token for the admin API, as far as one's role goes
    };

    /// <summary>Pages anyone may open: signing in and out, accepting an invitation, enrolling the second factor.</summary>
    public static readonly string[] Open =
        ["/admin/sign-in", "/admin/sign-out", "/admin/invite/{token}", "/admin/enrol", "/admin/link/{token}"];

    public static bool Allows(string role, Area area) => Roles[area].Contains(role);

    /// <summary>Viewers see recipients' addresses masked and no message bodies (read-only, and not the people's data).</summary>
    public static bool MasksPersonalData(string role) => role == Viewer;

    /// <summary>`ada@example.com` → `a•••@example.com`, `+4915112345678` → `+49•••78`: enough to tell rows apart, not to
    /// write to anyone.</summary>
    public static string Mask(string? value)
    {
        if (value is null or "" or "—") return value ?? "—";
        var at = value.IndexOf('@');
        return at > 0 ? value[..1] + "•••" + value[at..] : value.Length > 6 ? value[..3] + "•••" + value[^2..] : "•••";
    }

    /// <summary>The scopes a member's session carries, for the checks pages share with the API (a test send needs `send`).</summary>
    public static string[] ScopesOf(string role) => role switch
    {
        Owner or Admin => [Scopes.Admin],
        Editor => [Scopes.Read, Scopes.Send, Scopes.TopicsRead, Scopes.TopicsWrite, Scopes.UsersRead],
        Operator => [Scopes.Read, Scopes.Send, Scopes.TopicsRead, Scopes.UsersRead],
        _ => [Scopes.Read, Scopes.TopicsRead, Scopes.UsersRead],
    };
}
