using Microsoft.AspNetCore.Mvc;
using NotificationService.Contracts;
using NotificationService.Features.People.Devices;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Preferences;
using NotificationService.Features.Administration.Privacy;
using NotificationService.Features.People.Recipients;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// `/admin/users`: find recipients by userId prefix, exact email or phone (the API's profile search); a user's page shows the
/// profile, preferences, devices and their notifications with each one's timeline (linked to its delivery-log page), and
/// erases them (the API's erase job, audited the same way) once the userId is typed again to confirm.
/// </summary>
public sealed class UsersModel(ProfileStore profiles, PreferenceStore preferences, CategoryStore categories, DeviceStore devices,
    NotificationQueries notifications, EraseRequests erase, EraseJobStore erasures) : ConsolePage
{
    public const int PageSize = 50, NotificationPage = 20;

    public string? Query { get; private set; }
    public IReadOnlyList<StoredProfile> Found { get; private set; } = [];
    public string? MoreUrl { get; private set; }

    public string? UserId { get; private set; }
    public StoredProfile? Profile { get; private set; }
    public StoredPreferences? Preferences { get; private set; }
    /// <summary>The preferences as the API's GET shows them: per tenant category and channel, what a send does now.</summary>
    public PreferencesView? PreferencesShown { get; private set; }
    public IReadOnlyList<UserDevice> Devices { get; private set; } = [];
    public IReadOnlyList<PersonNotification> Notifications { get; private set; } = [];
    public string? OlderUrl { get; private set; }
    public EraseJobView? Erasure { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? q, string? user, string? from, Guid? after, Guid? erasure, CancellationToken ct)
    {
        if (erasure is { } jobId)
        {
            Erasure = await erasures.GetAsync(TenantId, jobId, ct);
            return Erasure is null ? NotFound() : Page();
        }
        if (!string.IsNullOrWhiteSpace(user) && IsUserId(user)) { await LoadUserAsync(user, after, ct); return Page(); }
        Query = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        var filter = Query switch
        {
            null => new ProfileFilter(null, null, null),
            var s when s.Contains('@') => new ProfileFilter(Addresses.Normalize("email", s), null, null),
            var s when s.StartsWith('+') => new ProfileFilter(null, s, null),
            var s => new ProfileFilter(null, null, s.Length <= RecipientRules.MaxUserIdLength ? s : s[..RecipientRules.MaxUserIdLength]),
        };
        Found = await profiles.ListAsync(TenantId, filter, string.IsNullOrEmpty(from) ? null : from, PageSize, ct);
        if (Found.Count == PageSize)
            MoreUrl = $"/admin/users?q={Uri.EscapeDataString(Query ?? "")}&from={Uri.EscapeDataString(Found[^1].UserId)}";
        return Page();
    }

    public async Task<IActionResult> OnPostEraseAsync(string user, string? confirm, bool block, CancellationToken ct)
    {
        if (!IsUserId(user)) return NotFound();
        if (confirm != user)
        {
            // A typed confirmation, not a click: the erase cannot be undone.
            FieldErrors["confirm"] = ["Type the userId exactly as shown to confirm the erase."];
            await LoadUserAsync(user, null, ct);
            return Page();
        }
        var jobId = await erase.RequestAsync(Caller, TenantId, user, block, ct);
        Flash = $"Erase of {user} started{(block ? " (blocked from now on)" : "")}.";
        return Redirect($"/admin/users?erasure={jobId}");
    }

    private async Task LoadUserAsync(string user, Guid? after, CancellationToken ct)
    {
        UserId = user;
        Profile = await profiles.FindAsync(TenantId, user, ct);
        Preferences = await preferences.GetAsync(TenantId, UserKeys.ForUser(user), ct);
        PreferencesShown = PreferenceService.View(user, Preferences ?? StoredPreferences.Empty,
            await categories.ForTenantAsync(TenantId, ct));
        Devices = await devices.ListAsync(TenantId, user, ct);
        Notifications = await notifications.PageForPersonAsync(TenantId, EraseMatch.UserId, [user], user, after, NotificationPage,
            withHistory: true, ct);
        if (Notifications.Count == NotificationPage)
            OlderUrl = $"/admin/users?user={Uri.EscapeDataString(user)}&after={Notifications[^1].Id}";
    }

    private static bool IsUserId(string s) => s.Length is > 0 and <= RecipientRules.MaxUserIdLength && !string.IsNullOrWhiteSpace(s);

    public static string Json(object? value) =>
        value is null ? "—" : System.Text.Json.JsonSerializer.Serialize(value, Infrastructure.JsonBody.Options);
}
