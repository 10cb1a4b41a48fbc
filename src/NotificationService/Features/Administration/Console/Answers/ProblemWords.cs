using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Tenancy.Suspension;

namespace NotificationService.Features.Administration.Console.Answers;

/// <summary>
/// What a person reads instead of a problem: what happened and what to do next. A not-found page says the same for
/// a page that never existed, an object that was deleted and another team's object, so it tells nobody what exists.
/// </summary>
public sealed record ProblemWords(string Kind, string Title, string Text, string? NextHref, string? NextLabel, bool Bare = false)
{
    private const string SignInElsewhere = "Sign in with another team";

    public static ProblemWords For(int status, ProblemDetails problem, bool hosted, string retryAfter, string traceId)
    {
        var (back, backLabel) = hosted ? ((string?)null, (string?)null) : ("/admin", "Back to the overview");
        return (status, problem.Type) switch
        {
            (_, SuspensionAnswer.DeletedType) => new("tenant-deleted", "This team no longer exists",
                "Its account was deleted by the service's operator, with everything it held. There is nothing left to sign in to.",
                "/admin/sign-in", SignInElsewhere, Bare: true),
            (_, SuspensionAnswer.SuspendedType) => new("tenant-suspended", "Your team's account is suspended",
                "The service's operator has suspended it: nothing is sent and the console is closed until they resume it. "
                + "Ask your service's operator why, or wait for them to resume it; your data is kept.",
                "/admin/sign-in", SignInElsewhere, Bare: true),
            (404, _) when hosted => new("not-found", "Link not valid",
                "This link is not valid: it may be incomplete, altered, or for another page. "
                + "Open the link again from the newest email you received; if it still fails, reply to that email.", null, null),
            (404, _) => new("not-found", "Page not found",
                "There is no such page in your team's console: the address may be mistyped, or what it showed was deleted.",
                "/admin", "Go to the overview"),
            (401, _) => new("signed-out", "Sign in to continue",
                "This page needs a signed-in member of the team: you are not signed in, or your session has ended.",
                "/admin/sign-in", "Sign in"),
            (403, _) => new("refused", "Not allowed",
                problem.Detail
                    ?? "This request was refused. Go back, reload the page and try again; if it is refused again, sign in again.",
                back, backLabel),
            (429, _) => new("rate-limited", "Too many requests",
                $"This was asked for too often in a short time, so it was not done. Wait {Seconds(retryAfter)}, then try again.",
                null, null),
            (503, _) => new("unavailable", "Temporarily unavailable",
                $"The service cannot answer just now and nothing was done. Wait {Seconds(retryAfter)}, then try again.", null, null),
            (>= 500, _) => new("failed", "Something went wrong",
                "The service could not answer and nothing was done. Try again; if it keeps failing, tell your service's operator "
                + $"and quote the reference {traceId}.", null, null),
            _ => new("not-done", "Not done",
                problem.Detail ?? "The request could not be done as it was sent. Go back, reload the page and try again.", back, backLabel),
        };
    }

    private static string Seconds(string retryAfter) =>
        int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? s == 1 ? "a second" : $"{s.ToString(CultureInfo.InvariantCulture)} seconds"
            : "a moment";
}
