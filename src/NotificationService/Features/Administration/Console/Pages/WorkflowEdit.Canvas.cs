using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Automation.WorkflowEditor.StepProblems;

namespace NotificationService.Features.Administration.Console.Pages;

public sealed partial class WorkflowEditModel
{
    /// <summary>The canvas's check as the user edits: the posted definition's problems under their step ids, from the same
    /// validator as save and publish (the API's step-problems answer). Stores nothing, so a viewer may ask too.</summary>
    public async Task<IActionResult> OnPostStepProblemsAsync(CancellationToken ct)
    {
        using var reader = new StreamReader(Request.Body);
        var json = await reader.ReadToEndAsync(ct);
        if (System.Text.Encoding.UTF8.GetByteCount(json) > Automation.Workflows.WorkflowValidation.MaxDefinitionBytes)
            return new JsonResult(new StepProblemsAnswer(false, new Dictionary<string, string[]>(),
                new Dictionary<string, string[]>
                    { ["$"] = [$"At most {Automation.Workflows.WorkflowValidation.MaxDefinitionBytes / 1024} KB."] }));
        return new JsonResult(await StepProblemEndpoints.AnswerAsync(validation, TenantId, json, ct));
    }

    /// <summary>Whether the caller's role may save (the role table's content area): a viewer's canvas is drawn read-only.</summary>
    public bool CanEdit => Members.RoleTable.Allows(Members.MemberClaims.RoleOf(User), Members.RoleTable.Area.Content);
}
