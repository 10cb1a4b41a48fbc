using NotificationService.Features.Sending.Templates;

namespace NotificationService.Features.Administration.Console.Pages;

public sealed class TemplatesModel(TemplateQueries queries) : ConsolePage
{
    public TemplatePage Listing { get; private set; } = new([], null);
    public string? Channel { get; private set; }
    public string? Key { get; private set; }

    public async Task OnGetAsync(string? channel, string? key, Guid? cursor, CancellationToken ct)
    {
        (Channel, Key) = (string.IsNullOrEmpty(channel) ? null : channel, string.IsNullOrEmpty(key) ? null : key);
        // A page of 200 variants, grouped by key on the page: a key's channels and locales rarely straddle two pages.
        Listing = await queries.ListAsync(TenantId, Channel, null, Key, 200, cursor, ct);
    }
}
