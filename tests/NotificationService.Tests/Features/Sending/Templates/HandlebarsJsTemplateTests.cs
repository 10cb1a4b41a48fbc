using System.Text.Json.Nodes;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.Sending.Templates;

/// <summary>Issue 18's five examples of handlebars.js syntax (Mustache sections and inverted sections, {{^}} inside
/// {{#if}}, whitespace control on comments and triple-stash with a standalone block, {{&amp;x}}, literal keys), saved
/// as a tenant would save them and rendered through preview and through a real send. The expected strings are
/// what handlebars.js 4.7.8 renders for the same template and data.</summary>
[Collection("service")]
public class HandlebarsJsTemplateTests(ServiceFixture service)
{
    private const string Html =
        "{{#goodbyes}}{{text}}! {{/goodbyes}}|{{^set}}not set{{/set}}|{{#people}}{{name}}{{^}}{{none}}{{/people}}" +
        "|{{#people}}{{name}}{{else if none}}{{none}}{{/people}}|{{#in_ca}}taxed {{taxed_value}}{{/in_ca}}" +
        "|{{#if foo}} bar {{^}} baz {{/if}}" +
        "|a   {{~! comment ~}}   b|c   {{~!-- long }} comment --~}}   d|e {{~{html}~}} f" +
        "|{{&html}}" +
        "|{{\"foo bar\"}}{{'foo bar'}}{{12}}{{false}}" +
        "|\n{{#if foo}}\n  standalone\n{{/if}}\nend";

    private static JsonObject Data(bool truthy)
    {
        var data = new JsonObject { ["html"] = "<b>hi</b>", ["foo bar"] = "beautiful", ["12"] = "twelve", ["false"] = "no", ["none"] = "No people" };
        if (truthy)
        {
            data["goodbyes"] = new JsonArray(new JsonObject { ["text"] = "goodbye" }, new JsonObject { ["text"] = "Goodbye" });
            data["people"] = new JsonArray(new JsonObject { ["name"] = "Ada" });
            data["in_ca"] = true;
            data["taxed_value"] = 6000;
            data["foo"] = true;
        }
        else
        {
            data["goodbyes"] = new JsonArray();
            data["set"] = true;
            data["people"] = new JsonArray();
            data["in_ca"] = false;
        }
        return data;
    }

    private const string TruthyOutput = "goodbye! Goodbye! |not set|Ada|Ada|taxed 6000| bar |ab|cd|e<b>hi</b>f|<b>hi</b>|beautifulbeautifultwelveno|\n  standalone\nend";
    private const string FalsyOutput = "||No people|No people|| baz |ab|cd|e<b>hi</b>f|<b>hi</b>|beautifulbeautifultwelveno|\nend";

    [Fact]
    public async Task The_issues_examples_render_as_handlebars_js_through_preview_and_send()
    {
        var tenant = await service.NewTenantAsync();
        var template = await tenant.Http.CreateTemplateAsync(new
        {
            key = "handlebars-js", channel = "email", locale = "en",
            parts = new { subject = "{{#in_ca}}CA {{/in_ca}}{{&\"foo bar\"}}", html = Html },
        });
        var url = $"{Root}/{template.Id()}/preview";

        var truthy = await ExpectAsync(await tenant.Http.PostJsonAsync(url, new { data = Data(truthy: true) }), 200);
        Assert.Equal(TruthyOutput, truthy["parts"]!["html"]!.GetValue<string>());
        Assert.Equal("CA beautiful", truthy["parts"]!["subject"]!.GetValue<string>());
        var falsy = await ExpectAsync(await tenant.Http.PostJsonAsync(url, new { data = Data(truthy: false) }), 200);
        Assert.Equal(FalsyOutput, falsy["parts"]!["html"]!.GetValue<string>());

        foreach (var (data, expected) in new[] { (Data(truthy: true), TruthyOutput), (Data(truthy: false), FalsyOutput) })
        {
            var sent = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { email = "a@example.com" }, template = "handlebars-js", data });
            await tenant.Http.WaitForStatusAsync(sent, "sent");
            Assert.Equal(expected, (await service.SandboxContentAsync(sent))["html"]!.GetValue<string>());
        }
    }

    /// <summary>The constructs the engine renders since issue 18's last round, saved and sent as a tenant would: a raw
    /// block, {{#with 0}}, a section over a ../ path, ../ at a partial's top (empty in handlebars.js) and a partial named
    /// by the data. Expected: handlebars.js 4.7.8's output (with the usual raw helper, as the service behaves).</summary>
    [Fact]
    public async Task Raw_blocks_with_zero_parent_sections_and_computed_partials_render_as_handlebars_js_through_preview_and_send()
    {
        var tenant = await service.NewTenantAsync();
        await ExpectAsync(await tenant.Http.PutJsonAsync($"{Root}/partials/row-a", new { source = "A{{v}}{{../top}}" }), 201);
        await ExpectAsync(await tenant.Http.PutJsonAsync($"{Root}/partials/row-b", new { source = "B{{v}}" }), 201);
        const string html = "{{{{raw}}}}{{v}} <b>{{{{/raw}}}}|{{#with n}}[{{this}}]{{else}}none{{/with}}" +
                            "|{{#each l}}{{> (lookup . 'kind')}}{{#../flag}}!{{/../flag}};{{/each}}";
        var template = await tenant.Http.CreateTemplateAsync(new { key = "hbs-more", channel = "email", locale = "en", parts = new { subject = "s", html } });
        var data = new JsonObject
        {
            ["n"] = 0, ["top"] = "T", ["flag"] = true,
            ["l"] = new JsonArray(new JsonObject { ["kind"] = "row-a", ["v"] = 1 }, new JsonObject { ["kind"] = "row-b", ["v"] = 2 }),
        };
        const string expected = "{{v}} <b>|[0]|A1!;B2!;";

        var preview = await ExpectAsync(await tenant.Http.PostJsonAsync($"{Root}/{template.Id()}/preview", new { data }), 200);
        Assert.Equal(expected, preview["parts"]!["html"]!.GetValue<string>());
        var sent = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { email = "a@example.com" }, template = "hbs-more", data });
        await tenant.Http.WaitForStatusAsync(sent, "sent");
        Assert.Equal(expected, (await service.SandboxContentAsync(sent))["html"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unclosed_section_is_still_refused_at_save_with_its_line_and_column()
    {
        var tenant = await service.NewTenantAsync();
        var problem = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, Sms("unclosed", "Hi\n  {{#people}}{{name}}")), 400);
        Assert.Contains("Line 2, column 3:", problem.Error("parts.body"));
        Assert.Contains("'{{#people}}' is never closed", problem.Error("parts.body"));
    }
}
