using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Preferences;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// Search by recipient, status, channel, category, batch and time; keyset pages ("Older") on (created_at, id). The "Older"
/// link repeats every filter of the query string, so a category filter holds across pages.
/// </summary>
public sealed class NotificationsModel(NotificationSearch search, CategoryStore categories) : ConsolePage
{
    public const int PageSize = 50;
    [BindProperty(SupportsGet = true)] public string? Recipient { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Channel { get; set; }
    /// <summary>A tenant category key, or the free label a tenant without categories sent (the list suggests the tenant's
    /// categories).</summary>
    [BindProperty(SupportsGet = true)] public string? Category { get; set; }
    [BindProperty(SupportsGet = true)] public string? Batch { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }
    public IReadOnlyList<LogRow> Rows { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public string? Problem { get; private set; }
    public IReadOnlyList<Category> Categories { get; private set; } = [];

    public string NextPageUrl => Request.Path + QueryString.Create(Request.Query.Where(q => q.Key != "cursor")
        .Select(q => KeyValuePair.Create(q.Key, (string?)q.Value.ToString())).Append(KeyValuePair.Create("cursor", NextCursor))).ToString();

    public async Task OnGetAsync(CancellationToken ct)
    {
        Categories = (await categories.ForTenantAsync(TenantId, ct)).All;
        Guid? batch = null;
        if (!string.IsNullOrWhiteSpace(Batch))
        {
            if (Guid.TryParse(Batch, out var b)) batch = b; else { Problem = "Batch id: not a UUID."; return; }
        }
        if (!TryTime(From, out var from) || !TryTime(To, out var to)) { Problem = "From/To: use the date picker's format."; return; }
        SearchCursor? after = null;
        if (Cursor is { } c)
        {
            var parts = c.Split('_');
            if (parts.Length != 2 || !long.TryParse(parts[0], out var ticks) || !Guid.TryParse(parts[1], out var id))
            {
                Problem = "That page link is malformed.";
                return;
            }
            after = new SearchCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }
        var filter = new NotificationFilter(NullIfEmpty(Recipient), NullIfEmpty(Status), NullIfEmpty(Channel), batch, from, to,
            NullIfEmpty(Category));
        Rows = await search.SearchAsync(TenantId, filter, after, PageSize, ct);
        if (Rows.Count == PageSize) NextCursor = $"{Rows[^1].Summary.CreatedAt.UtcTicks}_{Rows[^1].Summary.Id}";
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static bool TryTime(string? value, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (!DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var t)) return false;
        time = new DateTimeOffset(t, TimeSpan.Zero);
        return true;
    }
}
