using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Answers;

/// <summary>
/// Every problem a person's browser would have been shown (a console page or a hosted page: <see cref="PeopleGetPages"/>)
/// is rendered as a console page instead: the same status and headers (Retry-After kept), the console's layout and CSP (a
/// hosted page's stricter one on a hosted page), words that say what happened and what to do next
/// (<see cref="ProblemWords"/>). A problem-details writer asked before
/// the JSON one, so whatever writes a problem (the exception handler, the status code pages, the suspension check)
/// answers a person with a page without knowing it; programs still get the problem document.
/// </summary>
public sealed class ProblemPages(IModelMetadataProvider metadata) : IProblemDetailsWriter
{
    public const string View = "/Features/Administration/Console/Pages/Shared/Problem.cshtml";
    private static readonly Endpoint PageEndpoint = new(null, EndpointMetadataCollection.Empty, "Console problem page");

    /// <summary>Asked first: inserted ahead of the framework's writer and the JSON one (Infrastructure/ApiErrors).</summary>
    public static IServiceCollection Register(IServiceCollection services)
    {
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, ProblemPages>());
        return services;
    }

    public bool CanWrite(ProblemDetailsContext context) =>
        PeopleGetPages.WantsPage(context.HttpContext.Request) && !context.HttpContext.Response.HasStarted;

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        var hosted = PeopleGetPages.IsHostedPage(http.Request.Path);
        var retryAfter = http.Response.Headers.RetryAfter.ToString();
        var words = ProblemWords.For(status, context.ProblemDetails, hosted, retryAfter, http.TraceIdentifier);
        if (!hosted && status == StatusCodes.Status404NotFound) await SignedInMemberAsync(http);
        if (hosted) People.Preferences.UnsubscribePages.WriteHeaders(http.Response);   // a hosted page's own: no script at all
        else ConsoleHeaders.Write(http.Response);
        var page = new ViewResult
        {
            ViewName = View,
            StatusCode = status,
            ViewData = new ViewDataDictionary(metadata, new ModelStateDictionary())
            {
                ["Title"] = words.Title, ["Words"] = words, ["Bare"] = words.Bare || hosted, ["Hosted"] = hosted,
            },
        };
        // A path no endpoint matched (or one the exception handler cleared) has none; the layout's links are made by
        // endpoint routing, which the framework picks for a request that has one.
        if (http.GetEndpoint() is null) http.SetEndpoint(PageEndpoint);
        await page.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
    }

    /// <summary>
    /// A path no page answers was never authorized, so its request knows no member: read the session here, so a
    /// signed-in member keeps the console's navigation on the not-found page (nobody else sees it). Only there: every
    /// other refusal comes after authentication, and an outage's must not read the database again.
    /// </summary>
    private static async Task SignedInMemberAsync(HttpContext http)
    {
        if (http.User.HasClaim(c => c.Type == AuthClaims.ConsoleSession)) return;
        try
        {
            var session = await http.AuthenticateAsync(ConsoleSessionAuthenticationHandler.SchemeName);
            if (session.Succeeded) http.User = session.Principal;
        }
        catch (Exception e) when (DatabaseOutage.Is(e)) { }   // the page without the menu: still the answer
    }
}
