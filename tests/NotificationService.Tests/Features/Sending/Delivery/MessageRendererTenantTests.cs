using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Delivery;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Templates;
using NotificationService.Queue;
using NotificationService.Templates;

namespace NotificationService.Tests.Features.Sending.Delivery;

/// <summary>A template version renders only for its own tenant: its compiled template is cached under that tenant, and a
/// notification whose pin names another tenant's version fails as a missing template rather than render it.</summary>
public class MessageRendererTenantTests
{
    private static readonly Guid TenantA = Guid.NewGuid(), TenantB = Guid.NewGuid();

    [Fact]
    public void A_notification_pinned_to_another_tenants_version_fails_as_a_missing_template()
    {
        var renderer = new MessageRenderer(new TemplateEngine());
        var versionOfA = new TemplateVersion(TenantA, Guid.NewGuid(), ChannelNames.InApp,
            new JsonObject { ["title"] = "Hello {{name}}", ["body"] = "A's body" }, []);

        var ofA = renderer.Render(Notification(TenantA, versionOfA.Id), versionOfA, LinkPolicy.HttpAllowed);
        var ofB = renderer.Render(Notification(TenantB, versionOfA.Id), versionOfA, LinkPolicy.HttpAllowed);

        Assert.Equal("Hello Ada", Assert.IsType<RenderOutcome.Ok>(ofA).Content.Title);
        Assert.StartsWith("template_missing:", Assert.IsType<RenderOutcome.Failed>(ofB).Error);
    }

    private static ClaimedNotification Notification(Guid tenant, Guid version) => new(Guid.NewGuid(), tenant, ChannelNames.InApp,
        new StoredRecipient("user-1", null, null, null), version, "en", null, new JsonObject { ["name"] = "Ada" }, null, null, 0,
        DateTimeOffset.UtcNow, JobPriority.Normal);
}
