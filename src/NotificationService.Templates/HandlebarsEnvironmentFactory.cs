using System.Globalization;
using HandlebarsDotNet;
using NotificationService.Templates.Helpers;

namespace NotificationService.Templates;

/// <summary>Creates the Handlebars.Net environments one template version compiles in.
/// Each version gets its own pair (HTML-escaping and plain-text) because Handlebars.Net resolves partials
/// by name from the environment: a shared environment would let one tenant's "footer" partial leak into
/// another tenant's template. Compilation is cached per version, so the set-up cost is paid once.</summary>
internal static class HandlebarsEnvironmentFactory
{
    /// <param name="resolvePathsFirst">Compile <c>{{name}}</c> to read the data directly
    /// (<see cref="LateBoundPathRewriter"/>); off only in tests, as the reference it must match.</param>
    public static IHandlebars Create(bool html, bool resolvePathsFirst = true)
    {
        var configuration = new HandlebarsConfiguration
        {
            TextEncoder = html ? new HtmlEncoder() : new PlainTextEncoder(),
            // Numbers print the same whatever the server's culture; helpers take an explicit culture.
            FormatProvider = CultureInfo.InvariantCulture,
            // Missing values render empty, as in handlebars.js; they are reported through MissingVariables.
            ThrowOnUnresolvedBindingExpression = false,
        };
        configuration.FormatterProviders.Add(new JsFormatterProvider());
        configuration.ObjectDescriptorProviders.Add(new TypeStableArrayIterator.DescriptorProvider());
        configuration.ObjectDescriptorProviders.Add(new FreshObjectIterator.DescriptorProvider());
        configuration.CompileTimeConfiguration.Features.Add(new HandlebarsJsWith.Feature());
        configuration.CompileTimeConfiguration.ExpressionMiddleware.Add(new CompileBudget.Deadline());
        if (resolvePathsFirst) configuration.CompileTimeConfiguration.ExpressionMiddleware.Add(new LateBoundPathRewriter());
        var environment = Handlebars.Create(configuration);
        // Every helper is registered before anything compiles: LateBoundPathRewriter relies on it.
        HelperCatalog.RegisterAll(environment);
        return environment;
    }
}
