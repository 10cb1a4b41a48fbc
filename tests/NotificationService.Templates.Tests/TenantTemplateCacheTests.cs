namespace NotificationService.Templates.Tests;

/// <summary>Compiled templates are cached per tenant: two tenants sending the same source under the same key (an inline
/// body, whose key is a hash of its source; a draft preview, keyed by its content) never share a compiled template,
/// and with it the block-param names it was compiled with.</summary>
public class TenantTemplateCacheTests
{
    private static readonly Guid TenantA = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    private static readonly Guid TenantB = Guid.Parse("00000000-0000-0000-0000-0000000000b2");

    [Fact]
    public void Two_tenants_rendering_the_same_source_under_the_same_key_each_compile_their_own()
    {
        var engine = new TemplateEngine();
        TemplateDefinition Inline(Guid tenant) => new(tenant, "inline:same-hash", [new TemplatePart("body", "{{#each xs as |x|}}{{x}}{{/each}}", false)]);

        Assert.Equal("a", engine.Render(Inline(TenantA), TemplateTestData.Json("""{"xs":["a"]}""")).Parts["body"]);
        Assert.Equal("b", engine.Render(Inline(TenantB), TemplateTestData.Json("""{"xs":["b"]}""")).Parts["body"]);
        Assert.Equal(2, engine.CachedTemplates);

        engine.Render(Inline(TenantA), TemplateTestData.Json("""{"xs":["a"]}"""));
        Assert.Equal(2, engine.CachedTemplates); // and each tenant's stays cached
    }
}
