namespace NotificationService.Templates;

/// <summary>Thrown by Render when the definition does not validate; carries the same errors Validate returns.</summary>
public sealed class TemplateValidationException(IReadOnlyList<TemplateError> errors)
    : Exception("Template is invalid: " + string.Join("; ", errors.Select(e => $"{e.Part} {e.Line}:{e.Column} {e.Message}")))
{
    public IReadOnlyList<TemplateError> Errors { get; } = errors;
}
