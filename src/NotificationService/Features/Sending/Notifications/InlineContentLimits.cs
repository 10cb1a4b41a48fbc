using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;
using NotificationService.Templates;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// Inline content is a template over the send's data, compiled by the worker that delivers it. Its parts are held to
/// <see cref="TemplateLimits"/> when the send is accepted, as a saved template is when it is saved: a 422 naming the
/// field (`content.html`), the line and the limit. Before this, 2,000 nested `{{#each}}` were accepted (202) and then
/// overflowed the worker's stack in the compiler, at every restart. Only the bounds are checked here (one pass, no
/// compile); other template errors still fail the notification, as they always have.
/// </summary>
public static class InlineContentLimits
{
    public static void Check(ContentDto? content)
    {
        if (content is null) return;
        var errors = new List<TemplateError>();
        foreach (var (field, source) in new[] { ("content.subject", content.Subject), ("content.body", content.Body),
                     ("content.html", content.Html) })
            if (source is not null) errors.AddRange(TemplateLimits.Check(field, source));
        if (errors.Count == 0) return;
        var first = errors[0];
        throw new RequestValidationException(TemplateRules.ToFieldErrors(errors, part => part), 422,
            $"{first.Part} at line {first.Line}, column {first.Column}: {first.Message}");
    }
}
