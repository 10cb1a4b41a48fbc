using NotificationService.Client.Http;

namespace NotificationService.Client;

/// <summary>
/// The service's API for a backend: <see cref="Notifications"/>, <see cref="Users"/>, <see cref="Topics"/> and
/// <see cref="Workflows"/>. Thread-safe and meant to be shared (registered as a singleton by
/// <see cref="NotificationServiceClientExtensions.AddNotificationServiceClient"/>): each call takes a pooled HttpClient
/// from IHttpClientFactory. Every method is virtual, so a test can mock it.
/// </summary>
public class NotificationServiceClient
{
    /// <summary>For mocking frameworks.</summary>
    protected NotificationServiceClient() { }

    /// <summary>A client over <paramref name="httpClient"/>, a factory's named client (resilience included) or one of your own.</summary>
    public NotificationServiceClient(Func<HttpClient> httpClient)
    {
        var api = new ApiTransport(httpClient);
        Notifications = new NotificationsClient(api);
        Users = new UsersClient(api);
        Topics = new TopicsClient(api);
        Workflows = new WorkflowsClient(api);
    }

    /// <summary>Sends, statuses, batches, CSV jobs, fan-outs and live events.</summary>
    public virtual NotificationsClient Notifications { get; } = null!;
    /// <summary>Profiles, preferences, devices, end-user tokens, topics of a user, CSV import, erase and export.</summary>
    public virtual UsersClient Users { get; } = null!;
    /// <summary>Topics and their members.</summary>
    public virtual TopicsClient Topics { get; } = null!;
    /// <summary>Workflow triggers, runs and events.</summary>
    public virtual WorkflowsClient Workflows { get; } = null!;
}
