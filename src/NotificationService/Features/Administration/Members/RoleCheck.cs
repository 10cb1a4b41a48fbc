using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
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
        context.Result = new ContentResult
        {
            StatusCode = StatusCodes.Status403Forbidden, ContentType = "text/plain; charset=utf-8",
            Content = $"Your role ({role}) does not allow this. Ask an owner or admin of your team if you need it.",
        };
    }

    /// <summary>`admin/templates/{id:guid}` → `/admin/templates/{id}`: the table's spelling, constraints dropped.</summary>
    public static string RouteOf(PageActionDescriptor page) =>
        "/" + Constraint().Replace(page.AttributeRouteInfo?.Template ?? page.ViewEnginePath, "{$1}").TrimEnd('/');

    public static string KeyOf(string method, string route, string? handler) =>
        $"{method.ToUpperInvariant()} {route}" + (string.IsNullOrEmpty(handler) ? "" : $"?handler={handler.ToLowerInvariant()}");

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(?::[^{}]*(?:\{[^{}]*\}[^{}]*)*)?\}")]
    private static partial Regex Constraint();
}
