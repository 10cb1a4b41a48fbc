using System.Net;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.Sending.Templates;

/// <summary>Create → publish → send, drafts, rollback, soft delete: the version a message is accepted with is the one it is sent with.</summary>
[Collection("service")]
public class TemplateLifecycleTests(ServiceFixture service)
{
    private static object SmsSend(string key, object? data = null, DateTimeOffset? sendAt = null) =>
        new { channel = "sms", recipient = new { phone = "+14155550100" }, template = key, data = data ?? new { name = "Ada" }, sendAt };

    [Fact]
    public async Task A_created_template_is_published_as_version_1_and_a_send_renders_it()
    {
        var tenant = await service.NewTenantAsync();
        var created = await tenant.Http.CreateTemplateAsync(new
        {
            key = "order-shipped", channel = "email", locale = "en", description = "Order shipped",
            parts = new { subject = "Order {{orderId}} shipped", html = "<p>Hi {{name}}, <b>{{orderId}}</b> is on its way.</p>" },
        });
        Assert.Equal(1, created["latestVersion"]!.GetValue<int>());
        Assert.Equal(1, created["publishedVersion"]!.GetValue<int>());

        var id = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { email = "ada@example.com" }, template = "order-shipped", data = new { name = "Ada & Bo", orderId = "A-1" } });
        var status = await tenant.Http.WaitForStatusAsync(id, "sent");

        var content = await service.SandboxContentAsync(id);
        Assert.Equal("Order A-1 shipped", content["subject"]!.GetValue<string>());
        Assert.Equal("<p>Hi Ada &amp; Bo, <b>A-1</b> is on its way.</p>", content["html"]!.GetValue<string>());
        Assert.Equal("Hi Ada & Bo, A-1 is on its way.", content["body"]!.GetValue<string>()); // text derived from html
        Assert.Equal("en", status["locale"]!.GetValue<string>());
        Assert.Equal(await service.ScalarAsync<Guid>("select published_version_id from templates where id = $1", created.Id()),
            await service.ScalarAsync<Guid>("select template_version_id from notifications where id = $1", id));
    }

    [Fact]
    public async Task An_update_is_a_draft_until_published_and_an_accepted_message_keeps_its_version()
    {
        var tenant = await service.NewTenantAsync();
        var template = await tenant.Http.CreateTemplateAsync(Sms("promo", "v1 for {{name}}"));
        var url = $"{Root}/{template.Id()}";
        var scheduled = await tenant.Http.SendOkAsync(SmsSend("promo", sendAt: DateTimeOffset.UtcNow.AddHours(1)));

        var updated = await ExpectAsync(await tenant.Http.PutJsonAsync(url, new { parts = new { body = "v2 for {{name}}" } }), 200);
        Assert.Equal((2, 1), (updated["latestVersion"]!.GetValue<int>(), updated["publishedVersion"]!.GetValue<int>()));
        var beforePublish = await tenant.Http.SendOkAsync(SmsSend("promo"));
        await tenant.Http.WaitForStatusAsync(beforePublish, "sent");
        Assert.Equal("v1 for Ada", (await service.SandboxContentAsync(beforePublish))["body"]!.GetValue<string>());

        var published = await ExpectAsync(await tenant.Http.PostJsonAsync(url + "/publish", new { }), 200);
        Assert.Equal(2, published["publishedVersion"]!.GetValue<int>());
        var afterPublish = await tenant.Http.SendOkAsync(SmsSend("promo"));
        await tenant.Http.WaitForStatusAsync(afterPublish, "sent");
        Assert.Equal("v2 for Ada", (await service.SandboxContentAsync(afterPublish))["body"]!.GetValue<string>());

        // Accepted while v1 was published, delivered after v2 was: still v1.
        await service.DueNowAsync(tenant.Id);
        await tenant.Http.WaitForStatusAsync(scheduled, "sent");
        Assert.Equal("v1 for Ada", (await service.SandboxContentAsync(scheduled))["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rollback_publishes_the_previously_published_version_and_stops_at_the_first()
    {
        var tenant = await service.NewTenantAsync();
        var url = $"{Root}/{(await tenant.Http.CreateTemplateAsync(Sms("otp", "one {{name}}"))).Id()}";
        await ExpectAsync(await tenant.Http.PutJsonAsync(url, new { parts = new { body = "two {{name}}" } }), 200);
        await ExpectAsync(await tenant.Http.PutJsonAsync(url, new { parts = new { body = "three {{name}}" } }), 200);
        await ExpectAsync(await tenant.Http.PostJsonAsync(url + "/publish", new { version = 3 }), 200);

        var rolledBack = await ExpectAsync(await tenant.Http.PostAsync(url + "/rollback", null), 200);
        Assert.Equal(1, rolledBack["publishedVersion"]!.GetValue<int>()); // v2 was never published
        var sent = await tenant.Http.SendOkAsync(SmsSend("otp"));
        await tenant.Http.WaitForStatusAsync(sent, "sent");
        Assert.Equal("one Ada", (await service.SandboxContentAsync(sent))["body"]!.GetValue<string>());

        var versions = (await tenant.Http.GetJsonAsync(url + "/versions")).AsArray();
        Assert.Equal([3, 2, 1], versions.Select(v => v!["version"]!.GetValue<int>()));
        Assert.Equal([false, false, true], versions.Select(v => v!["published"]!.GetValue<bool>()));
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Http.PostAsync(url + "/rollback", null)).StatusCode);
        var noSuchVersion = await ExpectAsync(await tenant.Http.PostJsonAsync(url + "/publish", new { version = 9 }), 404);
        Assert.Equal("Version 9 of the template was not found.", noSuchVersion.Error("version"));
    }

    [Fact]
    public async Task A_deleted_template_is_gone_for_new_sends_but_queued_messages_still_render()
    {
        var tenant = await service.NewTenantAsync();
        var url = $"{Root}/{(await tenant.Http.CreateTemplateAsync(Sms("bye", "bye {{name}}"))).Id()}";
        var queued = await tenant.Http.SendOkAsync(SmsSend("bye", sendAt: DateTimeOffset.UtcNow.AddHours(1)));

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await tenant.Http.PostJsonAsync(Api.Send, SmsSend("bye"))).StatusCode);

        await service.DueNowAsync(tenant.Id);   // delivered after the delete
        await tenant.Http.WaitForStatusAsync(queued, "sent");
        Assert.Equal("bye Ada", (await service.SandboxContentAsync(queued))["body"]!.GetValue<string>());
        await tenant.Http.CreateTemplateAsync(Sms("bye", "again")); // the key is free again
    }

    [Fact]
    public async Task Another_tenants_template_partial_and_layout_are_not_found()
    {
        var owner = await service.NewTenantAsync();
        var other = await service.NewTenantAsync();
        var url = $"{Root}/{(await owner.Http.CreateTemplateAsync(Sms("mine", "hi"))).Id()}";
        await ExpectAsync(await owner.Http.PutJsonAsync($"{Root}/partials/sig", new { source = "-- Acme" }), 201);

        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.PutJsonAsync(url, new { parts = new { body = "x" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.DeleteAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync(url + "/versions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.PostJsonAsync(url + "/publish", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.PostAsync(url + "/rollback", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.PostJsonAsync(url + "/preview", new { data = new { } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"{Root}/partials/sig")).StatusCode);
        Assert.Empty((await other.Http.GetJsonAsync(Root))["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task The_list_filters_and_pages_with_a_cursor()
    {
        var tenant = await service.NewTenantAsync();
        foreach (var locale in new[] { "en", "fr", "de" }) await tenant.Http.CreateTemplateAsync(Sms("digest", "x", locale));
        await tenant.Http.CreateTemplateAsync(new { key = "digest", channel = "push", locale = "en", parts = new { title = "t" } });

        var first = await tenant.Http.GetJsonAsync($"{Root}?key=digest&channel=sms&limit=2");
        Assert.Equal(["en", "fr"], first["items"]!.AsArray().Select(t => t!["locale"]!.GetValue<string>()));
        var second = await tenant.Http.GetJsonAsync($"{Root}?key=digest&channel=sms&limit=2&cursor={first["nextCursor"]}");
        Assert.Equal(["de"], second["items"]!.AsArray().Select(t => t!["locale"]!.GetValue<string>()));
        Assert.Null(second["nextCursor"]);
        Assert.Single((await tenant.Http.GetJsonAsync($"{Root}?channel=push"))["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Http.PostJsonAsync(Root, Sms("digest", "dup", "fr"))).StatusCode);
    }
}
