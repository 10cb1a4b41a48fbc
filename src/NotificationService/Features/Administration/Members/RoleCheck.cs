using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// Every console request passes <see cref="RoleTable.Console"/>: the page and handler's row names an area, the caller's
/// role must be allowed in it. A handler without a row is refused (and `RoleTableTests` fails), so a new form cannot
/// ship without deciding who may use it. The open pages (sign-in, invitation, enrolment) need no role.
/// </summary>
public sealed partial class RoleCheck : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var route = RouteOf(context.ActionDescriptor);
        if (RoleTable.Open.Contains(route)) { await next(); return; }
        var key = KeyOf(context.HandlerMethod?.HttpMethod ?? context.HttpContext.Request.Method, route, context.HandlerMethod?.Name);
        var role = context.HttpContext.User.RoleOf();
        if (RoleTable.Console.TryGetValue(key, out var area) && RoleTable.Allows(role, area)) { await next(); return; }
        context.Result = Refusal(context.HttpContext, role, area: RoleTable.Console.TryGetValue(key, out var needed) ? needed : null);
    }

    /// <summary>
    /// A person is refused with a console page (navigation included) that names the roles the action needs and who can
    /// grant one; the console's shared view renders it from these values, so this feature needs nothing of the console's.
    /// </summary>
    public static ViewResult Refusal(HttpContext http, string role, RoleTable.Area? area) => new()
    {
        ViewName = RefusalView,
        StatusCode = StatusCodes.Status403Forbidden,
        ViewData = new ViewDataDictionary(http.RequestServices.GetRequiredService<IModelMetadataProvider>(), new ModelStateDictionary())
        {
            ["Title"] = "Not allowed for your role",
            ["Role"] = role,
            ["Needs"] = string.Join(" or ", area is { } a ? RoleTable.Roles[a] : RoleTable.Roles[RoleTable.Area.Members]),
            ["Grantors"] = string.Join(" or ", RoleTable.Roles[RoleTable.Area.Members]),
        },
    };

    public const string RefusalView = "/Features/Administration/Console/Pages/Shared/Refused.cshtml";

    /// <summary>`admin/templates/{id:guid}` → `/admin/templates/{id}`: the table's spelling, constraints dropped.</summary>
    public static string RouteOf(PageActionDescriptor page) =>
        "/" + Constraint().Replace(page.AttributeRouteInfo?.Template ?? page.ViewEnginePath, "{$1}").TrimEnd('/');

    public static string KeyOf(string method, string route, string? handler) =>
        $"{method.ToUpperInvariant()} {route}" + (string.IsNullOrEmpty(handler) ? "" : $"?handler={handler.ToLowerInvariant()}");

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(?::[^{}]*(?:\{[^{}]*\}[^{}]*)*)?\}")]
    private static partial Regex Constraint();
}
