namespace NotificationService.Templates;

/// <summary>
/// Every compile takes this one lock; rendering stays concurrent. It was added when a plain path sometimes bound to a
/// block param (<c>{{last}}</c> rendered <c>[object Object]</c>, one corpus run in six or so), taken then for a race
/// between two compiles. The cause was not a race (issue 28, finding 11): Handlebars.Net looks a path named like one
/// of its well-known variables up in the block-param table at a slot that depends on the process's string hashes,
/// and its pooled binding frames bring back entries 255 uses old; <see cref="BlockParamNames"/>, <see cref="PathSpelling"/>
/// and the engine's fresh data variables remove both. The lock stays because Handlebars.Net does not document its
/// compiler as thread-safe and compiles are rare (cached per version) and, within <see cref="TemplateLimits"/>, short.
/// </summary>
internal static class CompileLock
{
    public static readonly Lock Gate = new();
}
