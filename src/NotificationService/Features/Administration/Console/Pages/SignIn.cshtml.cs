using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// Signing in: a member with their team's id, email and password, then the code from their authenticator app (or a
/// recovery code); owners and admins without a second factor enrol one first. API keys are for services: one pasted
/// here opens nothing and is not even looked up (docs/decisions/console-key-sign-in-retired.md).
/// </summary>
public sealed partial class SignInModel(MemberSignIn members, MemberSessions sessions, MemberStore store, PendingSignIn pending) : PageModel
{
    public string? Error { get; private set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    /// <summary>The team (tenant id), from the link that brought the member here or typed in.</summary>
    [BindProperty(SupportsGet = true)] public string? Tenant { get; set; }
    public string? Email { get; private set; }
    /// <summary>"code" once the password was right and the member has a second factor.</summary>
    public string Step { get; private set; } = "password";

    /// <summary>What a person who pastes an API key is told: keys are for services, and how people sign in instead.</summary>
    public const string KeysAreForServices = "API keys are for services calling the API; they do not open the console. " +
        "Sign in with your email and password, or with single sign-on. No account yet? Ask an owner or admin of your team to invite you; " +
        "an owner locked out can get a one-time sign-in link from the operator (members sign-in-link).";

    public Task OnGetAsync(CancellationToken ct) => LoadSsoAsync(ct);   // SignIn.Sso.cs

    public async Task<IActionResult> OnPostMemberAsync(string? email, string? password, CancellationToken ct)
    {
        Email = email;
        if (LooksLikeApiKey(password) || LooksLikeApiKey(email) || LooksLikeApiKey(Tenant))
        {
            Email = null;   // never echo a key back into the page
            if (LooksLikeApiKey(Tenant)) Tenant = null;
            Response.StatusCode = 400;
            Error = KeysAreForServices;
            return Page();
        }
        if (!Guid.TryParse(Tenant?.Trim(), out var tenantId))
        {
            Response.StatusCode = 400;
            Error = "Enter your team's id: it is in your invitation email and in the link your admin gave you.";
            return Page();
        }
        if (await PasswordsOffAsync(ct)) return Page();   // SignIn.Sso.cs: the tenant requires single sign-on
        var (outcome, member) = await members.PasswordAsync(Client, tenantId, email, password, ct);
        if (member is not null && PasswordRefusedForSsoMember(member)) return Page();   // SignIn.Sso.cs
        switch (outcome)
        {
            case PasswordOutcome.Throttled:
                Throttled(members.RetryAfter(Client, tenantId, email));
                return Page();
            case PasswordOutcome.Refused:
                Response.StatusCode = 401;
                Error = MemberSignIn.Refusal;
                return Page();
            case PasswordOutcome.NeedsCode:
                pending.Set(HttpContext, new(tenantId, member!.Id, PendingSignIn.Code, MemberSessions.Password));
                Step = "code";
                return Page();
            case PasswordOutcome.NeedsEnrolment:
                pending.Set(HttpContext, new(tenantId, member!.Id, PendingSignIn.Enrol, MemberSessions.Password));
                return Redirect("/admin/enrol");
        }
        await sessions.StartSessionAsync(HttpContext, tenantId, member!.Id, MemberSessions.Password, ct);
        return LocalRedirect(LocalConsolePath(ReturnUrl));
    }

    /// <summary>What a throttled account is told, by the password step and the code step alike: a 429 whose Retry-After
    /// says when the account may try again, as every rate-limited answer does.</summary>
    private void Throttled(TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        Response.StatusCode = 429;
        Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Error = $"Too many failed sign-ins for this account. Try again in {(seconds + 59) / 60} minute{(seconds > 60 ? "s" : "")}.";
    }

    public async Task<IActionResult> OnPostCodeAsync(string? code, CancellationToken ct)
    {
        Step = "code";
        if (await pending.GetAsync(HttpContext, PendingSignIn.Code, ct) is not { } step
            || await store.FindAsync(step.TenantId, step.MemberId, ct) is not { Status: MemberStatuses.Active } member)
            return StepGone();
        if (!await members.CodeAsync(Client, member, code, ct))
        {
            if (members.IsThrottled(Client, member)) Throttled(members.RetryAfter(Client, member.TenantId, member.Email));
            else
            {
                Response.StatusCode = 401;
                Error = "That code is not right. Enter the 6-digit code your authenticator app shows now, or a recovery code.";
            }
            return Page();
        }
        if (!await pending.TakeAsync(step, ct)) return StepGone();   // used already: a replayed step opens nothing
        PendingSignIn.Clear(HttpContext);
        await sessions.StartSessionAsync(HttpContext, step.TenantId, member.Id, step.Method, ct);
        return LocalRedirect(LocalConsolePath(ReturnUrl));
    }

    private PageResult StepGone()
    {
        Step = "password";
        Response.StatusCode = 401;
        Error = "Your sign-in took too long or was interrupted. Start again with your email and password.";
        return Page();
    }

    /// <summary>
    /// A post without a handler is what the retired key form sent (old bookmarks, scripts): it opens nothing, the key
    /// is not looked up, and the answer says why and what to do instead.
    /// </summary>
    public IActionResult OnPost()
    {
        Response.StatusCode = 410;
        Error = KeysAreForServices;
        return Page();
    }

    /// <summary>The exact shape of a key (nsk_, an 8-character id, a 43-character secret): a password never collides by chance.</summary>
    private static bool LooksLikeApiKey(string? value) =>
        value?.Trim() is { Length: > 0 } v && NotificationService.Features.Tenancy.Tenants.ApiKeys.PrefixOf(v) is not null;

    private string Client => HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Only a local console path (an open redirect would let a link bounce a fresh session elsewhere): what
    /// <c>Url.IsLocalUrl</c> accepts (no `//`, `/\`, control characters) and under /admin; anything else is the overview.</summary>
    private string LocalConsolePath(string? returnUrl) =>
        returnUrl is { } r && Url.IsLocalUrl(r) && r.StartsWith("/admin", StringComparison.Ordinal)
            && (r.Length == 6 || r[6] is '/' or '?' or '#')
            ? r : "/admin";
}
