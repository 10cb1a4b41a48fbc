using System.Net;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.Sending.Templates;

/// <summary>Bad templates are refused with the field, line and column, and nothing is saved.</summary>
[Collection("service")]
public class TemplateValidationTests(ServiceFixture service)
{
    private async Task<(TestTenant Tenant, Func<Task<int>> Count)> TenantAsync()
    {
        var tenant = await service.NewTenantAsync();
        return (tenant, async () => (int)await service.ScalarAsync<long>("select count(*) from templates where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task A_compile_error_names_the_part_line_and_column()
    {
        var (tenant, count) = await TenantAsync();
        var response = await tenant.Http.PostJsonAsync(Root, new
        {
            key = "broken", channel = "email", locale = "en",
            parts = new { subject = "ok", html = "<p>Hello</p>\n<ul>\n  {{#each items}}\n  <li>{{name}}</li>\n</ul>" },
        });
        var problem = await ExpectAsync(response, 400);
        Assert.Contains("Line 3, column 3:", problem.Error("parts.html"));
        Assert.Contains("parts.html at line 3, column 3", problem["detail"]!.GetValue<string>());
        Assert.Equal(0, await count());
    }

    [Theory]
    [InlineData("{{shout name}}", "Unknown helper 'shout'")]
    [InlineData("{{#repeat 3}}x{{/repeat}}", "Unknown block helper 'repeat'")]
    public async Task Unknown_helpers_are_rejected_at_save(string body, string expected)
    {
        var (tenant, count) = await TenantAsync();
        var problem = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, Sms("x", body)), 400);
        Assert.Contains(expected, problem.Error("parts.body"));
        Assert.Equal(0, await count());
    }

    [Fact]
    public async Task Parts_follow_the_channel_schema()
    {
        var (tenant, count) = await TenantAsync();
        var sms = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, new { key = "a", channel = "sms", locale = "en", parts = new { body = "x", subject = "no" } }), 400);
        Assert.Contains("Unknown part 'subject'", sms.Error("parts.subject"));
        var email = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, new { key = "a", channel = "email", locale = "en", parts = new { html = "x" } }), 400);
        Assert.Contains("parts.subject", email.ErrorKeys());
        var whatsapp = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, new
        {
            key = "a", channel = "whatsapp", locale = "en",
            parts = new { template = new { name = "order_update", language = "en_US", parameters = new[] { "{{x}}" }, extra = 1 } },
        }), 400);
        Assert.Equal(["parts.template.extra"], whatsapp.ErrorKeys());
        var unknownBody = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, new { key = "a", channel = "sms", locale = "en", parts = new { body = "x" }, colour = "red" }), 400);
        Assert.Equal(["colour"], unknownBody.ErrorKeys());
        Assert.Equal(0, await count());
    }

    [Fact]
    public async Task A_part_of_the_wrong_type_is_named_as_not_a_string_rather_than_as_missing()
    {
        var (tenant, count) = await TenantAsync();
        var problem = await ExpectAsync(await tenant.Http.PostJsonAsync(Root,
            new { key = "a", channel = "email", locale = "en", parts = new { subject = 5, html = "<p>x</p>" } }), 400);
        Assert.Equal(["parts.subject"], problem.ErrorKeys());
        Assert.Equal("parts.subject must be a string (a template).", problem.Error("parts.subject"));
        Assert.Equal(0, await count());
    }

    [Theory]
    [InlineData("english")]
    [InlineData("en_US")]
    [InlineData("")]
    public async Task Invalid_locale_tags_are_rejected(string locale)
    {
        var (tenant, count) = await TenantAsync();
        var problem = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, Sms("x", "hi", locale)), 400);
        Assert.Equal(["locale"], problem.ErrorKeys());
        Assert.Equal(0, await count());
    }

    [Fact]
    public async Task Locale_tags_are_stored_in_canonical_case()
    {
        var (tenant, _) = await TenantAsync();
        Assert.Equal("fr-CA", (await tenant.Http.CreateTemplateAsync(Sms("x", "hi", "FR-ca")))["locale"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Http.PostJsonAsync(Root, Sms("x", "hi", "fr-CA"))).StatusCode);
    }

    [Fact]
    public async Task A_template_over_256_KB_is_rejected()
    {
        var (tenant, count) = await TenantAsync();
        var problem = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, new
        {
            key = "big", channel = "email", locale = "en", parts = new { subject = "s", html = new string('x', 257 * 1024) },
        }), 400);
        Assert.Contains("256 KB", problem["detail"]!.GetValue<string>());
        Assert.Equal(0, await count());
    }

    [Fact]
    public async Task Missing_and_recursive_partials_are_rejected_at_save()
    {
        var (tenant, count) = await TenantAsync();
        var missing = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, Sms("x", "Hi\n {{> signature}}")), 400);
        Assert.Contains("Line 2, column 2: Partial 'signature' is not defined", missing.Error("parts.body"));

        await ExpectAsync(await tenant.Http.PutJsonAsync($"{Root}/partials/b", new { source = "B" }), 201);
        await ExpectAsync(await tenant.Http.PutJsonAsync($"{Root}/partials/a", new { source = "A {{> b}}" }), 201);
        var cycle = await ExpectAsync(await tenant.Http.PutJsonAsync($"{Root}/partials/b", new { source = "B {{> a}}" }), 400);
        Assert.Contains("Partial cycle: a -> b -> a", cycle.Error("source"));
        Assert.Equal("B", (await tenant.Http.GetJsonAsync($"{Root}/partials/b"))["source"]!.GetValue<string>()); // unchanged
        var self = await ExpectAsync(await tenant.Http.PutJsonAsync($"{Root}/partials/c", new { source = "{{> c}}" }), 400);
        Assert.Contains("Partial cycle", self.Error("source"));
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync($"{Root}/partials/c")).StatusCode);
        Assert.Equal(0, await count());
    }

    [Fact]
    public async Task A_layout_must_place_the_body_and_only_email_uses_one()
    {
        var (tenant, _) = await TenantAsync();
        var noBody = await ExpectAsync(await tenant.Http.PutJsonAsync($"{Root}/layouts/plain", new { source = "<html>nothing</html>" }), 400);
        Assert.Contains("{{{body}}}", noBody.Error("source"));
        await ExpectAsync(await tenant.Http.PutJsonAsync($"{Root}/layouts/plain", new { source = "<html>{{{body}}}</html>" }), 201);
        var sms = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, new { key = "x", channel = "sms", locale = "en", parts = new { body = "b" }, layout = "plain" }), 400);
        Assert.Equal(["layout"], sms.ErrorKeys());
        var unknown = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, new { key = "x", channel = "email", locale = "en", parts = new { subject = "s", html = "b" }, layout = "fancy" }), 400);
        Assert.Contains("No layout named 'fancy'", unknown.Error("layout"));
    }

    [Fact]
    public async Task Preview_data_over_the_limits_is_refused()
    {
        var (tenant, _) = await TenantAsync();
        var url = $"{Root}/{(await tenant.Http.CreateTemplateAsync(Sms("x", "{{a}}"))).Id()}/preview";
        var deep = "{\"a\":1}";
        for (var i = 0; i < 40; i++) deep = "{\"n\":" + deep + "}";
        var tooDeep = await ExpectAsync(await tenant.Http.PostJsonAsync(url, "{\"data\":" + deep + "}"), 400);
        Assert.Contains("deeper than 32", tooDeep.Error("data"));
        var big = new { data = new { a = new string('x', 1024 * 1024 + 10) } };
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await tenant.Http.PostJsonAsync(url, big)).StatusCode);
    }
}
