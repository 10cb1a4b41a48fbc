using System.Text.Json.Nodes;

namespace NotificationService.Cli.Tests.Tree;

/// <summary>An export document as the service writes it (`tenant-export@1`, camelCase), built fresh for each spec.</summary>
internal static class SampleExport
{
    public static JsonObject Create(string stamp = "2026-11-28T10:00:00+00:00", string receiptSubject = "Your receipt {{number}}") => new()
    {
        ["format"] = "notification-service/tenant-export@1", ["exportedAt"] = stamp,
        ["tenant"] = new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = "Acme", ["slug"] = null },
        ["templates"] = new JsonArray(
            Template("receipt", "email", "en", published: 2,
                Version(1, new JsonObject { ["subject"] = "Receipt", ["html"] = "<p>old</p>" }, stamp),
                Version(2, new JsonObject { ["subject"] = receiptSubject, ["html"] = "<p>{{> footer}}</p>" }, stamp, layout: "main")),
            Template("login", "push", "de", published: null,
                Version(1, new JsonObject { ["title"] = "Anmeldung", ["body"] = "Hallo {{name}}", ["data"] = new JsonObject { ["url"] = "/x" } }, stamp))),
        ["layouts"] = new JsonArray(Fragment("main", "layout", "<html>{{{body}}}</html>", "Brand frame", stamp)),
        ["partials"] = new JsonArray(Fragment("footer", "partial", "Acme Inc.", null, stamp)),
        ["workflows"] = new JsonArray(new JsonObject
        {
            ["key"] = "welcome", ["name"] = "Welcome", ["category"] = null, ["publishedVersion"] = 1,
            ["versions"] = new JsonArray(new JsonObject { ["version"] = 1, ["published"] = true, ["definition"] = new JsonObject { ["key"] = "welcome", ["steps"] = new JsonArray() } }),
        }),
        ["categories"] = new JsonArray(new JsonObject
        {
            ["key"] = "billing", ["name"] = "Billing", ["description"] = null, ["channels"] = new JsonObject { ["sms"] = false, ["email"] = true },
            ["required"] = true, ["commercial"] = false, ["isDefault"] = false, ["quietHours"] = "respect", ["createdAt"] = stamp, ["updatedAt"] = stamp,
        }),
        ["topics"] = new JsonArray(new JsonObject { ["key"] = "launches", ["name"] = "Launches", ["description"] = null, ["memberCount"] = 42, ["createdAt"] = stamp, ["updatedAt"] = stamp }),
        ["providers"] = new JsonArray(Provider("email", "primary", Guid.NewGuid(), stamp: stamp)),
        ["webhooks"] = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(), ["url"] = "https://hooks.acme.test/n", ["description"] = null, ["events"] = new JsonArray("message.sent"),
            ["enabled"] = true, ["disabledReason"] = null, ["previousSecretExpiresAt"] = null, ["createdAt"] = stamp, ["updatedAt"] = stamp,
        }),
    };

    /// <summary>A provider as the export lists it: the API accepts any display name, and two alike on one channel.</summary>
    public static JsonObject Provider(string channel, string name, Guid id, string from = "no-reply@acme.test",
        string stamp = "2026-11-28T10:00:00+00:00") => new()
    {
        ["id"] = id.ToString(), ["channel"] = channel, ["kind"] = "sendgrid", ["name"] = name, ["priority"] = 1, ["enabled"] = true,
        ["settings"] = new JsonObject { ["from"] = from }, ["secrets"] = new JsonObject { ["apiKey"] = "••••••••" },
        ["createdAt"] = stamp, ["updatedAt"] = stamp,
    };

    private static JsonObject Template(string key, string channel, string locale, int? published, params JsonObject[] versions) => new()
    {
        ["key"] = key, ["channel"] = channel, ["locale"] = locale, ["description"] = null, ["publishedVersion"] = published, ["versions"] = new JsonArray(versions),
    };

    private static JsonObject Version(int number, JsonObject parts, string stamp, string? layout = null) => new()
    {
        ["id"] = Guid.NewGuid().ToString(), ["version"] = number, ["published"] = false, ["parts"] = parts, ["optionalVariables"] = new JsonArray(),
        ["layout"] = layout, ["partials"] = new JsonArray(), ["createdAt"] = stamp,
    };

    private static JsonObject Fragment(string name, string kind, string source, string? description, string stamp) => new()
    {
        ["name"] = name, ["kind"] = kind, ["source"] = source, ["description"] = description, ["createdAt"] = stamp, ["updatedAt"] = stamp,
    };
}
