using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// A test trigger from the workflow's page: one userId and a data object, started through <see cref="WorkflowTrigger"/>,
/// the code behind `POST /api/v1/services/workflows/{key}/trigger`, so it is checked, refused and run exactly as the
/// API's (the published version, the userId gate, every send step made for the recipient). It needs the API's scope for
/// a trigger; the run's page is where it lands.
/// </summary>
public sealed partial class WorkflowEditModel
{
    public string? TestUserId { get; private set; }
    public string? TestData { get; private set; }

    public async Task<IActionResult> OnPostTestTriggerAsync(string existing, string? userId, string? data, CancellationToken ct)
    {
        if (!await LoadAsync(existing, ct)) return NotFound();
        await ShowLatestAsync(existing, ct);
        (TestUserId, TestData) = (userId, data);
        if (!Caller.HasScope(Scopes.Send))
        {
            FieldErrors["trigger"] = [$"A trigger needs the '{Scopes.Send}' scope, as through the API."];
            return Page();
        }
        var body = new JsonObject { ["recipients"] = new JsonArray(JsonValue.Create(userId?.Trim())) };
        if (!TryReadTestData(data, out var parsed)) return Page();
        if (parsed is not null) body["data"] = parsed;
        var raw = Encoding.UTF8.GetBytes(body.ToJsonString());
        try
        {
            var request = JsonSerializer.Deserialize<TriggerRequest>(raw, JsonBody.Options)!;
            var outcome = await trigger.TriggerAsync(TenantId, existing, request, raw, null, Request.PathBase, ct);
            var run = JsonNode.Parse(outcome.Body)!["runIds"]![0]!.GetValue<Guid>();
            Flash = $"Test run started for {userId!.Trim()} with version {Existing!.PublishedVersion}.";
            return Redirect($"/admin/workflows/runs/{run}");
        }
        catch (ApiException e)
        {
            Refused(e);
            // The API names the recipient `recipients[0]…`: here that is the userId field.
            foreach (var field in FieldErrors.Keys.Where(k => k.StartsWith("recipients", StringComparison.Ordinal)).ToList())
            {
                FieldErrors["userId"] = [.. ErrorsFor("userId"), .. FieldErrors[field]];
                FieldErrors.Remove(field);
            }
            return Page();
        }
    }

    /// <summary>The form's data field as a JSON object (null when left empty), or false with the field's error set.</summary>
    private bool TryReadTestData(string? data, out JsonObject? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(data)) return true;
        try { parsed = JsonNode.Parse(data) as JsonObject ?? throw new JsonException(); }
        catch (JsonException)
        {
            FieldErrors["data"] = ["Data is a JSON object, e.g. {\"orderId\": \"1234\"}."];
            return false;
        }
        return true;
    }
}
