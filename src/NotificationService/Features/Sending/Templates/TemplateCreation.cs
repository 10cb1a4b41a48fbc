using NotificationService.Channels;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Templates;

/// <summary>
/// Creating a template (its first version), for the API's `POST /api/v1/admin/templates` and the console's "New template"
/// form alike: key, channel and locale checked, then the same save-time validation as every version. A 400 naming the
/// field, or a 409 when the key already exists for that channel and locale.
/// </summary>
public sealed class TemplateCreation(TemplateValidator validator, TemplateCommands commands)
{
    public async Task<Guid> CreateAsync(Guid tenantId, TemplateRequest req, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (req.Key is null || !TemplateRules.Key().IsMatch(req.Key))
            errors["key"] = ["1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit."];
        if (req.Channel is null || !ChannelNames.IsKnown(req.Channel))
            errors["channel"] = [$"One of {string.Join(", ", ChannelNames.All)}."];
        var locale = TemplateRules.NormalizeLocale(req.Locale);
        if (locale is null) errors["locale"] = [TemplateRules.LocaleMessage];
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var content = await validator.PrepareAsync(tenantId, req.Channel!, req, ct);
        return await commands.CreateAsync(tenantId, req.Key!, req.Channel!, locale!, req.Description, content, ct);
    }
}
