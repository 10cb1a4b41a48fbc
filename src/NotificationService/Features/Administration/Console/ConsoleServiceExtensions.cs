using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console;

/// <summary>
/// The admin console at `/admin`: Razor Pages (static server rendering, no Node build) over the same stores the API
/// uses, a server-side session cookie a member opens (password and code, single sign-on, or a one-time link), antiforgery on
/// every form, and a CSP without
/// inline script. Pages live in Features/Administration/Console/Pages; their script and styles in wwwroot/admin.
/// </summary>
public static class ConsoleServiceExtensions
{
    public const string Policy = "Console";

    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddSingleton<ConsoleSessionStore>().AddSingleton<SignInThrottle>();
        // Members sign in to sessions of this console: a password and code (MemberSignIn), any proof (MemberSessions).
        services.AddSingleton<MemberSessions>().AddSingleton<MemberSignIn>()
            .AddSingleton<Members.IMemberSessionEnder>(s => s.GetRequiredService<ConsoleSessionStore>());
        // A member's bearer token for the admin API: a session of its own kind, made on their account page.
        services.AddSingleton<MemberApiTokens>().AddSingleton<IMemberTokenAuthenticator>(s => s.GetRequiredService<MemberApiTokens>());
        services.AddSingleton<Pages.DeadJobSubjects>();   // what a dead job on the queues page was for
        services.AddSingleton<IRetainedData, ConsoleSessionRetention>();   // sessions a day after they expired
        Answers.ProblemPages.Register(services);   // a person's browser gets a console page wherever a program gets a problem
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features/Administration/Console/Pages";
            o.Conventions.AuthorizeFolder("/", Policy);
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AllowAnonymousToFolder("/Team/Open");   // invitation, second-factor enrolment, one-time sign-in link
            // Their paths carry a one-time token: logs and traces name them by route template, never by path.
            foreach (var page in new[] { "/Team/Open/Invite", "/Team/Open/Link" })
                o.Conventions.AddPageApplicationModelConvention(page, m => m.EndpointMetadata.Add(new SecretInPath()));
        });
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ConsoleSessionAuthenticationHandler>(
            ConsoleSessionAuthenticationHandler.SchemeName, null);
        // Any console session: a member's (their role decides each page: Administration/Members/RoleTable) or an admin key's.
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(ConsoleSessionAuthenticationHandler.SchemeName).RequireClaim(AuthClaims.ConsoleSession));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "ns_console_af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = "/admin";
            o.HeaderName = "X-CSRF-Token";   // console.js sends the page's token with its fetches
            o.FormFieldName = "__csrf";
        });
        services.AddDataProtection().SetApplicationName("notification-service-console");
        services.AddSingleton<ConsoleKeyEncryptor>();
        services.AddOptions<KeyManagementOptions>().Configure<NpgsqlDataSource, ConsoleKeyEncryptor>((o, db, encryptor) =>
        {
            o.XmlRepository = new ConsoleKeyRing(db);
            o.XmlEncryptor = encryptor;
        });
        return services;
    }

    public static void MapConsole(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/admin"), console => console.Use(async (context, next) =>
        {
            ConsoleHeaders.Write(context.Response);
            // Server-Timing: the page's time in the service up to its first byte (pages are buffered, so nearly all of it);
            // the bench reads it (bench `console`), and a browser's dev tools show it beside the network time.
            var started = Stopwatch.GetTimestamp();
            context.Response.OnStarting(() =>
            {
                context.Response.Headers["Server-Timing"] =
                    $"app;dur={Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture)}";
                return Task.CompletedTask;
            });
            await next();
        }).Use(ConsoleOriginCheck.RefuseCrossOriginAsync));   // a changing request from another origin: 403 (beside antiforgery)
        app.UseStaticFiles();   // wwwroot/admin/*.js|css: the console's own script and styles
        app.MapRazorPages();
    }
}
