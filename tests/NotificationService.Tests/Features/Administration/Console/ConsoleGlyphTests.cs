using System.Text;
using Microsoft.Playwright;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// Nothing the console or the inbox component serves needs an emoji font: Debian's chromium has none, and "🔒 Required"
/// came out as an empty box. Words (or inline SVG) say it instead.
/// </summary>
[Collection("console")]
public class ConsoleGlyphTests(ConsoleFixture console)
{
    /// <summary>The blocks whose characters fonts without emoji do not draw (pictographs, dingbats, the emoji selector).</summary>
    private static bool NeedsEmojiFont(Rune r) => r.Value is (>= 0x231A and <= 0x231B) or (>= 0x23E9 and <= 0x23FA) or (>= 0x2600 and <= 0x27BF)
        or (>= 0x2B00 and <= 0x2BFF) or (>= 0x1F000 and <= 0x1FAFF) or 0xFE0F;

    [ChromiumFact]
    public async Task No_page_stylesheet_or_script_of_the_console_or_the_inbox_holds_a_glyph_that_needs_an_emoji_font()
    {
        var tenant = await console.NewTenantAsync();
        var page = await console.NewPageAsync();
        await page.SignInAsync(console, tenant);
        var urls = (await page.Locator("header a[href^='/admin']").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))")).ToHashSet();
        Assert.True(urls.Count > 15, $"the nav lists the console's pages: {string.Join(", ", urls)}");
        urls.UnionWith(["/admin/templates/new?channel=email", "/admin/workflows/edit", "/admin/providers/edit?kind=smtp",
            "/admin/users?user=ada", "/admin/console.css", "/admin/console.js", "/sdk/v1/inbox.js", "/sdk/demo"]);

        var found = new List<string>();
        foreach (var url in urls)
        {
            var response = await page.Context.APIRequest.GetAsync(url);
            Assert.True(response.Ok, $"{url}: HTTP {response.Status}");
            var text = await response.TextAsync();
            found.AddRange(text.EnumerateRunes().Where(NeedsEmojiFont).Distinct().Select(r => $"{url}: U+{r.Value:X4} {r}"));
        }
        Assert.True(found.Count == 0, string.Join("\n", found));
    }
}
