using Microsoft.Playwright;

namespace NotificationService.Tests.Support;

/// <summary>
/// How long a browser step may take (Playwright's actions and navigations, and <c>Expect</c>, whose default is process-wide):
/// one value for every browser fixture, so that none lowers it for the others. A bound for a hung page, not a figure: on a
/// two-core machine running the bench smoke, package builds and four spec collections at once, a form's navigation took
/// over 30 s.
/// </summary>
public static class BrowserPatience
{
    public const float Milliseconds = 60_000;

    public static IBrowserContext Apply(IBrowserContext context)
    {
        context.SetDefaultTimeout(Milliseconds);
        Assertions.SetDefaultExpectTimeout(Milliseconds);
        return context;
    }
}
