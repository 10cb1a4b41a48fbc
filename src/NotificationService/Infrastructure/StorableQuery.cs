namespace NotificationService.Infrastructure;

/// <summary>
/// A query parameter or path segment with a character PostgreSQL cannot store (`?key=a%00b`) is a 400 naming it,
/// before any endpoint passes it to a query.
/// </summary>
public static class StorableQuery
{
    public static IApplicationBuilder UseStorableInput(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!StorableText.IsStorable(http.Request.Path.Value))
            throw RequestValidationException.For("path", StorableText.Problem);
        foreach (var (name, values) in http.Request.Query)
        {
            if (!StorableText.IsStorable(name)) throw RequestValidationException.For("query", StorableText.Problem);
            foreach (var v in values)
                if (!StorableText.IsStorable(v)) throw RequestValidationException.For(name, StorableText.Problem);
        }
        await next(http);
    });
}
