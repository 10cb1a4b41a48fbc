namespace NotificationService.Templates;

/// <summary>
/// Handlebars.Net compiles with state shared across environments: two templates with block params compiled at once
/// on two threads sometimes bound a plain path to the other's block param (`{{last}}` rendered `[object Object]`, about
/// one run in six of the handlebars.js corpus). Compiling is rare (results are cached per template version), so every
/// compile takes this one lock; rendering stays concurrent.
/// </summary>
internal static class CompileLock
{
    public static readonly Lock Gate = new();
}
