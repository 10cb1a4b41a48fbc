using NotificationService.Client;

namespace NotificationService.Tests.Client;

/// <summary>What the service refuses arrives as one exception carrying its problem: status, type, title, the errors by field, the trace id.</summary>
[Collection("client-service")]
public class ClientErrorTests(ClientServiceFixture service)
{
    [Fact]
    public async Task A_send_the_service_refuses_is_the_exception_naming_each_bad_field_and_nothing_is_sent()
    {
        var tenant = await service.NewRealTenantAsync("email");
        using var scope = service.ClientFor(tenant);

        var e = await Assert.ThrowsAsync<NotificationServiceException>(() => scope.Client.Notifications.SendAsync(new SendRequest
        {
            Channel = "email", Recipient = new Recipient { Email = "not-an-address" }, Content = new MessageContent { Subject = "Hi", Body = "Hi" },
            Priority = "urgent",
        }));

        Assert.Equal(400, e.Status);
        Assert.Contains("recipient.email", e.Errors.Keys);
        Assert.Contains("priority", e.Errors.Keys);
        Assert.All(e.Errors.Values, messages => Assert.NotEmpty(messages));
        Assert.False(string.IsNullOrEmpty(e.Title));
        Assert.False(string.IsNullOrEmpty(e.TraceId));
        Assert.Contains("recipient.email", e.Message);
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task Another_tenants_notification_is_a_404_exception()
    {
        var owner = await service.NewRealTenantAsync("email");
        var other = await service.NewRealTenantAsync("email");
        using var ownerClient = service.ClientFor(owner);
        using var otherClient = service.ClientFor(other);
        var sent = await ownerClient.Client.Notifications.SendAsync(new SendRequest
        {
            Channel = "email", Recipient = new Recipient { Email = "ada@example.com" }, Content = new MessageContent { Subject = "Hi", Body = "Hi" },
        });

        var e = await Assert.ThrowsAsync<NotificationServiceException>(() => otherClient.Client.Notifications.GetAsync(sent.Notifications[0].Id));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, e.StatusCode);
    }
}
