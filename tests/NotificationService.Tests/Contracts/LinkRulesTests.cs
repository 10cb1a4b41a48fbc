using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Templates;

namespace NotificationService.Tests.Contracts;

/// <summary>The one link rule: https URLs with a host and relative references pass, http ones where the tenant allows them;
/// every other scheme, `//host`, user@host, and anything a browser would strip or reinterpret on the way to a scheme
/// (tabs, newlines, `\`) do not, whatever the tenant allows.</summary>
public class LinkRulesTests
{
    [Theory]
    [InlineData("https://app.example/orders/42?x=1#top")]
    [InlineData("HTTPS://APP.EXAMPLE/")]
    [InlineData("/orders/42")]
    [InlineData("orders/42")]
    [InlineData("truck")]                       // an icon name: a relative reference
    [InlineData("/a:b")]                        // a colon after a slash is not a scheme
    [InlineData("?tab=2")]
    [InlineData("")]
    public void Allowed(string value)
    {
        Assert.Null(LinkRules.Check(value, LinkPolicy.HttpsOnly));
        Assert.Null(LinkRules.Check(value, LinkPolicy.HttpAllowed));
    }

    [Theory]
    [InlineData("http://intranet.example:8080/x")]
    [InlineData("HTTP://APP.EXAMPLE/")]
    public void Http_only_where_the_tenant_allows_it(string value)
    {
        Assert.Contains("does not allow http: links", LinkRules.Check(value, LinkPolicy.HttpsOnly));
        Assert.Null(LinkRules.Check(value, LinkPolicy.HttpAllowed));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("JaVaScRiPt:alert(1)")]
    [InlineData("java\tscript:alert(1)")]
    [InlineData("java\nscript:alert(1)")]
    [InlineData("\u0001javascript:alert(1)")]
    [InlineData(" javascript:alert(1)")]
    [InlineData("javascript\u00a0:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("vbscript:msgbox(1)")]
    [InlineData("mailto:ada@example.com")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https:\\\\evil.example")]
    [InlineData("https://good.example@evil.example/")]
    [InlineData("https://")]
    public void Refused(string value)
    {
        Assert.NotNull(LinkRules.Check(value, LinkPolicy.HttpsOnly));
        Assert.NotNull(LinkRules.Check(value, LinkPolicy.HttpAllowed));
    }

    [Fact]
    public void A_link_is_bounded() => Assert.NotNull(LinkRules.Check("https://app.example/" + new string('a', LinkRules.MaxLength), LinkPolicy.HttpAllowed));

    [Theory]
    [InlineData("javascript:{{x}}", false)]
    [InlineData("data:{{x}}", false)]
    [InlineData("//{{host}}/x", false)]
    [InlineData(" {{x}}", false)]
    [InlineData("https://{{host}}/x", true)]
    [InlineData("/orders/{{id}}", true)]
    [InlineData("{{link}}", true)]              // only the rendered value can tell: checked at delivery
    [InlineData("java{{x}}", true)]
    [InlineData("https://app.example/", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("http://{{host}}/x", false)]
    public void At_save_the_literal_start_of_a_template_is_checked(string source, bool allowed) =>
        Assert.Equal(allowed, LinkRules.CheckTemplate(source, LinkPolicy.HttpsOnly) is null);

    [Fact]
    public void At_save_an_http_start_passes_where_the_tenant_allows_it() =>
        Assert.Null(LinkRules.CheckTemplate("http://{{host}}/x", LinkPolicy.HttpAllowed));

    [Theory]
    [InlineData(ChannelNames.InApp, true)]      // actionUrl, icon, actions
    [InlineData(ChannelNames.Push, true)]       // imageUrl
    [InlineData(ChannelNames.Email, false)]
    [InlineData(ChannelNames.Sms, false)]
    [InlineData(ChannelNames.WhatsApp, false)]
    public void Only_channels_with_link_parts_need_the_tenants_link_policy_at_delivery(string channel, bool hasLinks) =>
        Assert.Equal(hasLinks, ChannelParts.HasLinkParts(channel));
}
