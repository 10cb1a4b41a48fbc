using NotificationService.Client.Http;
using static NotificationService.Client.Http.ApiTransport;

namespace NotificationService.Client;

/// <summary>Topics: named groups of your users, and their members (<c>/api/v1/services/topics</c>).</summary>
public class TopicsClient
{
    private const string Base = "api/v1/services/topics";
    private readonly ApiTransport _api = null!;

    /// <summary>For mocking frameworks.</summary>
    protected TopicsClient() { }

    internal TopicsClient(ApiTransport api) => _api = api;

    /// <summary>Creates a topic, or changes its name and description.</summary>
    [ApiOperation("PUT /api/v1/services/topics/{key}")]
    public virtual Task<Topic> PutAsync(string key, string? name = null, string? description = null,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Put, $"{Base}/{Segment(key)}", new TopicBody(name, description), ClientJson.Default.TopicBody,
            ClientJson.Default.Topic, null, cancellationToken);

    /// <summary>A topic and its exact member count.</summary>
    [ApiOperation("GET /api/v1/services/topics/{key}")]
    public virtual Task<Topic> GetAsync(string key, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Base}/{Segment(key)}", ClientJson.Default.Topic, cancellationToken);

    /// <summary>Deletes a topic and its members.</summary>
    [ApiOperation("DELETE /api/v1/services/topics/{key}")]
    public virtual async Task DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        await _api.SendAsync(HttpMethod.Delete, $"{Base}/{Segment(key)}", null, null, cancellationToken).ConfigureAwait(false);

    /// <summary>One page of the tenant's topics with their counts.</summary>
    [ApiOperation("GET /api/v1/services/topics")]
    public virtual Task<Page<Topic>> GetPageAsync(string? cursor = null, int? limit = null,
        CancellationToken cancellationToken = default) =>
        _api.GetAsync(Query(Base, ("cursor", cursor), ("limit", limit?.ToString())), ClientJson.Default.PageTopic, cancellationToken);

    /// <summary>Every topic of the tenant.</summary>
    public virtual IAsyncEnumerable<Topic> ListAsync(CancellationToken cancellationToken = default) =>
        Paging.All((cursor, ct) => GetPageAsync(cursor, null, ct), cancellationToken);

    /// <summary>Adds up to 10,000 members (members already in are not counted again).</summary>
    [ApiOperation("POST /api/v1/services/topics/{key}/members")]
    public virtual Task<MembersChanged> AddMembersAsync(string key, IReadOnlyList<string> userIds,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"{Base}/{Segment(key)}/members", new MembersBody(userIds), ClientJson.Default.MembersBody,
            ClientJson.Default.MembersChanged, null, cancellationToken);

    /// <summary>Removes up to 10,000 members.</summary>
    [ApiOperation("DELETE /api/v1/services/topics/{key}/members")]
    public virtual Task<MembersChanged> RemoveMembersAsync(string key, IReadOnlyList<string> userIds,
        CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Delete, $"{Base}/{Segment(key)}/members", new MembersBody(userIds), ClientJson.Default.MembersBody,
            ClientJson.Default.MembersChanged, null, cancellationToken);

    /// <summary>One page of a topic's members, by userId.</summary>
    [ApiOperation("GET /api/v1/services/topics/{key}/members")]
    public virtual Task<Page<TopicMember>> GetMembersPageAsync(string key, string? cursor = null, int? limit = null,
        CancellationToken cancellationToken = default) =>
        _api.GetAsync(Query($"{Base}/{Segment(key)}/members", ("cursor", cursor), ("limit", limit?.ToString())),
            ClientJson.Default.PageTopicMember, cancellationToken);

    /// <summary>Every member of a topic.</summary>
    public virtual IAsyncEnumerable<TopicMember> ListMembersAsync(string key, int? pageSize = null,
        CancellationToken cancellationToken = default) =>
        Paging.All((cursor, ct) => GetMembersPageAsync(key, cursor, pageSize, ct), cancellationToken);
}
