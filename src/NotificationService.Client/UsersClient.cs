using System.Text.Json.Nodes;
using NotificationService.Client.Http;
using static NotificationService.Client.Http.ApiTransport;

namespace NotificationService.Client;

/// <summary>Recipient profiles, their preferences, devices, tokens, topics, CSV import, erase and export
/// (<c>/api/v1/services/users</c>).</summary>
public class UsersClient
{
    private const string Base = "api/v1/services/users";
    private const string MergePatch = "application/merge-patch+json";
    private readonly ApiTransport _api = null!;

    /// <summary>For mocking frameworks.</summary>
    protected UsersClient() { }

    internal UsersClient(ApiTransport api) => _api = api;

    /// <summary>Creates or replaces a user's profile (what it leaves out is removed).</summary>
    [ApiOperation("PUT /api/v1/services/users/{userId}")]
    public virtual Task<User> IdentifyAsync(string userId, UserProfile profile, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Put, $"{Base}/{Segment(userId)}", profile, ClientJson.Default.UserProfile, ClientJson.Default.User,
            null, cancellationToken);

    /// <summary>Merges a JSON Merge Patch (RFC 7396) into a profile, creating it if needed: a null removes a field, objects
    /// merge.</summary>
    [ApiOperation("PATCH /api/v1/services/users/{userId}")]
    public virtual Task<User> UpdateAsync(string userId, JsonObject mergePatch, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Patch, $"{Base}/{Segment(userId)}", mergePatch, ClientJson.Default.JsonObject, ClientJson.Default.User,
            null, cancellationToken, MergePatch);

    /// <summary>A user's profile (404 as an exception when there is none).</summary>
    [ApiOperation("GET /api/v1/services/users/{userId}")]
    public virtual Task<User> GetAsync(string userId, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Base}/{Segment(userId)}", ClientJson.Default.User, cancellationToken);

    /// <summary>One page of profiles by userId, or those matching an exact email or phone or a userId prefix.</summary>
    [ApiOperation("GET /api/v1/services/users")]
    public virtual Task<Page<User>> GetPageAsync(UserQuery? query = null, string? cursor = null,
        CancellationToken cancellationToken = default) =>
        _api.GetAsync(Query(Base, ("email", query?.Email), ("phone", query?.Phone), ("userIdPrefix", query?.UserIdPrefix),
            ("limit", query?.Limit?.ToString()), ("cursor", cursor)), ClientJson.Default.PageUser, cancellationToken);

    /// <summary>Every profile matching <paramref name="query"/>, page after page as you read.</summary>
    public virtual IAsyncEnumerable<User> ListAsync(UserQuery? query = null, CancellationToken cancellationToken = default) =>
        Paging.All((cursor, ct) => GetPageAsync(query, cursor, ct), cancellationToken);

    /// <summary>Creates, replaces or merges up to 1,000 profiles in one call; outcomes in request order.</summary>
    [ApiOperation("POST /api/v1/services/users/bulk")]
    public virtual Task<BulkUsersResult> BulkIdentifyAsync(IReadOnlyList<BulkUser> users, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"{Base}/bulk", new BulkUsersBody(users), ClientJson.Default.BulkUsersBody,
            ClientJson.Default.BulkUsersResult, null, cancellationToken);

    /// <summary>
    /// Imports profiles from a CSV (user_id, email, phone, name, locale, timezone, avatar_url; other columns into data):
    /// <paramref name="merge"/> false replaces each profile, true merges each row into it.
    /// </summary>
    [ApiOperation("POST /api/v1/services/users/import")]
    public virtual async Task<BulkJobAccepted> ImportCsvAsync(Stream csv, bool merge = false, IProgress<UploadProgress>? progress = null,
        string fileName = "profiles.csv", CancellationToken cancellationToken = default)
    {
        var form = new MultipartFormDataContent { { new StringContent(merge ? "merge" : "replace"), "mode" } };
        form.Add(new UploadContent(csv, progress), "file", fileName);
        return (await _api.SendAsync(HttpMethod.Post, $"{Base}/import", form, null, cancellationToken).ConfigureAwait(false))
            .Read(ClientJson.Default.BulkJobAccepted);
    }

    /// <summary>A profile import's progress and counts.</summary>
    [ApiOperation("GET /api/v1/services/users/import/{jobId}")]
    public virtual Task<BulkJob> GetImportAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Base}/import/{jobId}", ClientJson.Default.BulkJob, cancellationToken);

    /// <summary>Polls a profile import until it has ended, and answers it then.</summary>
    public virtual async Task<BulkJob> WaitForImportAsync(Guid jobId, TimeSpan? pollInterval = null,
        CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var job = await GetImportAsync(jobId, cancellationToken).ConfigureAwait(false);
            if (job.IsFinished) return job;
            await Task.Delay(pollInterval ?? TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the rows a profile import rejected, as CSV, to <paramref name="destination"/>.</summary>
    [ApiOperation("GET /api/v1/services/users/import/{jobId}/errors")]
    public virtual Task DownloadImportErrorsAsync(Guid jobId, Stream destination, CancellationToken cancellationToken = default) =>
        _api.CopyToAsync($"{Base}/import/{jobId}/errors", destination, cancellationToken);

    /// <summary>Erases a user everywhere (GDPR Art. 17); <paramref name="block"/> also refuses the userId from now on.</summary>
    [ApiOperation("DELETE /api/v1/services/users/{userId}")]
    public virtual async Task<ErasureAccepted> EraseAsync(string userId, bool block = false,
        CancellationToken cancellationToken = default) =>
        (await _api.SendAsync(HttpMethod.Delete, Query($"{Base}/{Segment(userId)}", ("block", block ? "true" : null)), null, null,
            cancellationToken).ConfigureAwait(false)).Read(ClientJson.Default.ErasureAccepted);

    /// <summary>An erase's progress and what it erased.</summary>
    [ApiOperation("GET /api/v1/services/users/erasures/{jobId}")]
    public virtual Task<Erasure> GetErasureAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Base}/erasures/{jobId}", ClientJson.Default.Erasure, cancellationToken);

    /// <summary>Writes everything stored about a user (one JSON document, GDPR Art. 15/20) to <paramref name="destination"/> as
    /// it streams.</summary>
    [ApiOperation("GET /api/v1/services/users/{userId}/export")]
    public virtual Task ExportAsync(string userId, Stream destination, CancellationToken cancellationToken = default) =>
        _api.CopyToAsync($"{Base}/{Segment(userId)}/export", destination, cancellationToken);

    /// <summary>Mints a short-lived end-user token for your app's calls to <c>/api/v1/users/me</c> (the inbox, preferences).</summary>
    [ApiOperation("POST /api/v1/services/users/{userId}/token")]
    public virtual Task<UserToken> CreateTokenAsync(string userId, TimeSpan? lifetime = null,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"{Base}/{Segment(userId)}/token",
            new MintTokenBody(lifetime is { } l ? (int)l.TotalSeconds : null),
            ClientJson.Default.MintTokenBody, ClientJson.Default.UserToken, null, cancellationToken);

    /// <summary>A user's preferences, and what applies now per category and channel.</summary>
    [ApiOperation("GET /api/v1/services/users/{userId}/preferences")]
    public virtual Task<Preferences> GetPreferencesAsync(string userId, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Base}/{Segment(userId)}/preferences", ClientJson.Default.Preferences, cancellationToken);

    /// <summary>Replaces a user's preferences.</summary>
    [ApiOperation("PUT /api/v1/services/users/{userId}/preferences")]
    public virtual Task<Preferences> ReplacePreferencesAsync(string userId, PreferencesUpdate preferences,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Put, $"{Base}/{Segment(userId)}/preferences", preferences, ClientJson.Default.PreferencesUpdate,
            ClientJson.Default.Preferences, null, cancellationToken);

    /// <summary>Changes some of a user's preferences (a null removes a setting), e.g. <c>{"topics":{"building-12":false}}</c>.</summary>
    [ApiOperation("PATCH /api/v1/services/users/{userId}/preferences")]
    public virtual Task<Preferences> UpdatePreferencesAsync(string userId, JsonObject changes,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Patch, $"{Base}/{Segment(userId)}/preferences", changes, ClientJson.Default.JsonObject,
            ClientJson.Default.Preferences, null, cancellationToken);

    /// <summary>One page of the topics a user is a member of.</summary>
    [ApiOperation("GET /api/v1/services/users/{userId}/topics")]
    public virtual Task<Page<UserTopic>> GetTopicsPageAsync(string userId, string? cursor = null, int? limit = null,
        CancellationToken cancellationToken = default) =>
        _api.GetAsync(Query($"{Base}/{Segment(userId)}/topics", ("cursor", cursor), ("limit", limit?.ToString())),
            ClientJson.Default.PageUserTopic, cancellationToken);

    /// <summary>Every topic a user is a member of.</summary>
    public virtual IAsyncEnumerable<UserTopic> ListTopicsAsync(string userId, CancellationToken cancellationToken = default) =>
        Paging.All((cursor, ct) => GetTopicsPageAsync(userId, cursor, null, ct), cancellationToken);

    /// <summary>Registers a user's push device token.</summary>
    [ApiOperation("POST /api/v1/services/devices")]
    public virtual Task<DeviceRegistration> RegisterDeviceAsync(Device device, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, "api/v1/services/devices", device, ClientJson.Default.Device, ClientJson.Default.DeviceRegistration,
            null, cancellationToken);

    /// <summary>Removes a user's push device token (404 as an exception when it is not registered).</summary>
    [ApiOperation("DELETE /api/v1/services/devices")]
    public virtual async Task RemoveDeviceAsync(string userId, string token, CancellationToken cancellationToken = default) =>
        await _api.SendAsync(HttpMethod.Delete, "api/v1/services/devices",
            Json(new Device { UserId = userId, Token = token }, ClientJson.Default.Device), null, cancellationToken).ConfigureAwait(false);
}
