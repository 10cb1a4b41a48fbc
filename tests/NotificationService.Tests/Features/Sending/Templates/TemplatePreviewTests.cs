using System.Net;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.Sending.Templates;

/// <summary>Preview, partials and layouts, and test-send render exactly what delivery will send.</summary>
[Collection("service")]
public class TemplatePreviewTests(ServiceFixture service)
{
    [Fact]
    public async Task Preview_returns_every_part_the_variables_and_those_missing()
    {
        var tenant = await service.NewTenantAsync();
        var template = await tenant.Http.CreateTemplateAsync(new
        {
            key = "digest", channel = "email", locale = "fr",
            parts = new
            {
                subject = "{{count}} nouveautés pour {{user.firstName}}",
                html = "<h1>{{user.firstName}}</h1>{{#each items}}<p>{{title}} {{formatCurrency price \"EUR\"}}</p>{{/each}}<p>{{user.nickname}}</p>",
            },
            optionalVariables = new[] { "user.nickname" },
        });
        var preview = await ExpectAsync(await tenant.Http.PostJsonAsync($"{Root}/{template.Id()}/preview", new
        {
            data = new { user = new { firstName = "Zoé" }, items = new[] { new { title = "Tom & Jerry", price = 12.5 } } },
        }), 200);

        Assert.Equal(["count", "user.firstName", "items", "items[].title", "items[].price", "user.nickname"],
            preview["variables"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["count"], preview["missingVariables"]!.AsArray().Select(v => v!.GetValue<string>()));
        var parts = preview["parts"]!;
        Assert.Equal(" nouveautés pour Zoé", parts["subject"]!.GetValue<string>());
        Assert.Contains("<p>Tom &amp; Jerry 12,50", parts["html"]!.GetValue<string>()); // fr culture from the template's locale
        Assert.StartsWith("Zoé\n\nTom & Jerry 12,50", parts["text"]!.GetValue<string>());
        Assert.Equal(1, preview["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Plain_text_channels_are_never_html_escaped()
    {
        var tenant = await service.NewTenantAsync();
        var template = await tenant.Http.CreateTemplateAsync(Sms("sms", "{{show}} <tonight>"));
        var preview = await ExpectAsync(await tenant.Http.PostJsonAsync($"{Root}/{template.Id()}/preview", new { data = new { show = "Tom & Jerry" } }), 200);
        Assert.Equal("Tom & Jerry <tonight>", preview["parts"]!["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Partials_and_layouts_are_copied_into_the_version_so_later_edits_reach_only_new_versions()
    {
        var tenant = await service.NewTenantAsync();
        await ExpectAsync(await tenant.Http.PutJsonAsync($"{Root}/partials/footer", new { source = "<footer>{{company}} v1</footer>" }), 201);
        await ExpectAsync(await tenant.Http.PutJsonAsync($"{Root}/layouts/brand", new { source = "<html><body>{{{body}}}{{> footer}}</body></html>" }), 201);
        var template = await tenant.Http.CreateTemplateAsync(new
        {
            key = "welcome", channel = "email", locale = "en", layout = "brand",
            parts = new { subject = "Welcome", html = "<p>Hi {{name}}</p>" },
        });
        var url = $"{Root}/{template.Id()}";
        var data = new { name = "Ada", company = "Acme" };
        var queued = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { email = "a@example.com" }, template = "welcome", data, sendAt = DateTimeOffset.UtcNow.AddHours(1) });

        await ExpectAsync(await tenant.Http.PutJsonAsync($"{Root}/partials/footer", new { source = "<footer>{{company}} v2</footer>" }), 200);
        var v1 = await ExpectAsync(await tenant.Http.PostJsonAsync(url + "/preview", new { data }), 200);
        Assert.Equal("<html><body><p>Hi Ada</p><footer>Acme v1</footer></body></html>", v1["parts"]!["html"]!.GetValue<string>());
        await service.DueNowAsync(tenant.Id);   // sent only now, after the partial changed
        await tenant.Http.WaitForStatusAsync(queued, "sent");
        Assert.Contains("Acme v1", (await service.SandboxContentAsync(queued))["html"]!.GetValue<string>());

        // Saving the template again picks up the current partial.
        await ExpectAsync(await tenant.Http.PutJsonAsync(url, new { layout = "brand", parts = new { subject = "Welcome", html = "<p>Hi {{name}}</p>" } }), 200);
        var v2 = await ExpectAsync(await tenant.Http.PostJsonAsync(url + "/preview", new { data }), 200);
        Assert.Contains("Acme v2", v2["parts"]!["html"]!.GetValue<string>());
        var versions = (await tenant.Http.GetJsonAsync(url + "/versions")).AsArray();
        Assert.Equal(["footer"], versions[0]!["partials"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("brand", versions[0]!["layout"]!.GetValue<string>());
    }

    [Fact]
    public async Task Test_send_delivers_the_latest_version_through_the_tenants_provider()
    {
        var tenant = await service.NewTenantAsync();
        var url = $"{Root}/{(await tenant.Http.CreateTemplateAsync(Sms("code", "Your code is {{code}}"))).Id()}";
        await ExpectAsync(await tenant.Http.PutJsonAsync(url, new { parts = new { body = "Code: {{code}}" } }), 200);

        var accepted = await ExpectAsync(await tenant.Http.PostJsonAsync(url + "/test-send", new { recipient = new { phone = "+14155550100" }, data = new { code = "123456" } }), 202);
        Assert.Equal(2, accepted["version"]!.GetValue<int>());
        var id = accepted.Id();
        var status = await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Equal("sandbox", status["provider"]!.GetValue<string>());
        Assert.Equal("Code: 123456", (await service.SandboxContentAsync(id))["body"]!.GetValue<string>());

        var missing = await ExpectAsync(await tenant.Http.PostJsonAsync(url + "/test-send", new { recipient = new { phone = "+14155550100" }, data = new { } }), 422);
        Assert.Contains("code", missing.Error("data"));
        var badPhone = await ExpectAsync(await tenant.Http.PostJsonAsync(url + "/test-send", new { recipient = new { phone = "12" }, data = new { code = "1" } }), 400);
        Assert.Contains("recipient.phone", badPhone.ErrorKeys());
    }

    [Fact]
    public async Task Push_data_and_whatsapp_template_parameters_are_rendered()
    {
        var tenant = await service.NewTenantAsync();
        var push = await tenant.Http.CreateTemplateAsync(new
        {
            key = "shipped", channel = "push", locale = "en",
            parts = new { title = "Order {{orderId}}", body = "On its way", data = new { orderId = "{{orderId}}", screen = "orders" } },
        });
        var pushPreview = await ExpectAsync(await tenant.Http.PostJsonAsync($"{Root}/{push.Id()}/preview", new { data = new { orderId = "A-9" } }), 200);
        Assert.Equal("A-9", pushPreview["parts"]!["data.orderId"]!.GetValue<string>());

        var wa = await tenant.Http.CreateTemplateAsync(new
        {
            key = "shipped", channel = "whatsapp", locale = "en",
            parts = new { template = new { name = "order_shipped", language = "en_US", parameters = new[] { "{{user.firstName}}", "#{{orderId}}" } } },
        });
        var id = await tenant.Http.SendOkAsync(new { channel = "whatsapp", recipient = new { phone = "+14155550100" }, template = "shipped", data = new { user = new { firstName = "Ada" }, orderId = "42" } });
        await tenant.Http.WaitForStatusAsync(id, "sent");
        var sent = (await service.SandboxContentAsync(id))["whatsAppTemplate"]!;
        Assert.Equal("order_shipped", sent["name"]!.GetValue<string>());
        Assert.Equal(["Ada", "#42"], sent["parameters"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.GetAsync($"{Root}/{wa.Id()}")).StatusCode);
    }
}
