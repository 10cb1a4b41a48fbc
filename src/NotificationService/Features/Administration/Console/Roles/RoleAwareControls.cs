using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace NotificationService.Features.Administration.Console.Roles;

/// <summary>
/// Leaves out of every console page the links, forms and submit buttons the member's role cannot use, deciding by the
/// same row of the role table the server checks (<see cref="ConsoleRoutes"/>): a page never offers what answers
/// "your role does not allow this". A card-sized form leaves a note naming the roles it needs, so the member knows
/// whom to ask. Runs after the framework's form and button helpers, so it reads the action they wrote.
/// </summary>
[HtmlTargetElement("form", Attributes = "method")]
[HtmlTargetElement("button", Attributes = "formaction")]
[HtmlTargetElement("button", Attributes = "asp-page-handler")]
[HtmlTargetElement("a", Attributes = "href")]
public sealed class RoleAwareControls : TagHelper
{
    public override int Order => int.MaxValue;   // after FormTagHelper and FormActionTagHelper have written the action

    [ViewContext, HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        var (method, url) = Target(output);
        if (url is null || !url.StartsWith("/admin", StringComparison.Ordinal)) return;
        if (ConsoleRoutes.Allows(ViewContext.HttpContext.User, method, url)) return;
        var needs = NeedsRole.Sentence(ConsoleRoutes.KeyOf(method, url)!);
        var content = output.TagName == "form" ? (await output.GetChildContentAsync()).GetContent() : "";
        if (content.Contains("<table", StringComparison.Ordinal))
        {
            // A form around a list (dead jobs to retry): the list stays, as a plain block whose buttons are disabled.
            output.TagName = "div";
            output.Attributes.RemoveAll("method");
            output.Attributes.RemoveAll("action");
            output.PostContent.Clear();   // no antiforgery field for a form that is no longer one
            output.Content.SetHtmlContent(
                content.Replace("<button ", $"<button disabled title=\"{Encode(needs)}\" ", StringComparison.Ordinal));
            return;
        }
        var isCard = output.TagName == "form" && (output.Attributes["class"]?.Value?.ToString() ?? "").Split(' ').Contains("card");
        output.SuppressOutput();
        if (isCard) output.PostElement.SetHtmlContent($"<p class=\"note needs-role\">{Encode(needs)}</p>");
    }

    private (string Method, string? Url) Target(TagHelperOutput output)
    {
        var request = ViewContext.HttpContext.Request;
        var here = request.Path + request.QueryString;
        string? Attribute(string name) => output.Attributes[name]?.Value?.ToString();
        return output.TagName switch
        {
            "a" => ("GET", Attribute("href")),
            "button" => ("POST", Attribute("formaction")),
            _ when !string.Equals(Attribute("method"), "post", StringComparison.OrdinalIgnoreCase) => ("GET", null),
            _ => ("POST", string.IsNullOrEmpty(Attribute("action")) ? here : Attribute("action")),
        };
    }

    private static string Encode(string text) => System.Net.WebUtility.HtmlEncode(text);
}
