using Microsoft.AspNetCore.Mvc;

namespace NotificationService.Features.Administration.Console.Pages;

public sealed partial class WorkflowEditModel
{
    /// <summary>How many of the tenant's templates the send form's picker offers (the first, in creation order).</summary>
    public const int TemplatesOffered = 200;

    /// <summary>A template key the send form offers for a channel, with the variables its versions read (every locale's).</summary>
    public sealed record TemplateChoice(string Key, string Channel, IReadOnlyList<string> Variables);

    /// <summary>The send form's template picker: the tenant's templates by key and channel, each with the variables its
    /// latest versions read, found as the template page's sample data finds them (partials and layout included).</summary>
    public async Task<IActionResult> OnGetTemplatesAsync(CancellationToken ct)
    {
        var listed = await templates.ListAsync(TenantId, null, null, null, TemplatesOffered, null, ct);
        var choices = new List<TemplateChoice>();
        foreach (var locales in listed.Items.GroupBy(t => (t.Key, t.Channel)))
        {
            var variables = new List<string>();
            foreach (var template in locales)
                variables.AddRange((await drafts.VariablesAsync(TenantId, template.Parts, template.Layout, ct)).Except(variables).ToList());
            choices.Add(new TemplateChoice(locales.Key.Key, locales.Key.Channel, variables));
        }
        return new JsonResult(choices.OrderBy(c => c.Key, StringComparer.Ordinal));
    }
}
