using System.Net;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.WorkflowEditor.StepProblems;

/// <summary>The editor's check: the API's validator, its problems under the id of the step each is in.</summary>
[Collection("service")]
public class StepProblemTests(ServiceFixture service)
{
    private const string Url = $"{WorkflowApi.Admin}/validate/steps";

    [Fact]
    public async Task Each_problem_is_listed_under_its_step_id_even_inside_a_branch_arm_and_nothing_is_saved()
    {
        var tenant = await service.NewTenantAsync();
        const string draft = """
            {"key":"esc","name":"","steps":[
              {"id":"mail","type":"send","channel":"email","template":"missing"},
              {"id":"fork","type":"branch","arms":[{"when":"data.plan ==","steps":[
                {"id":"sms","type":"send","channel":"fax","template":"note"}]}]},
              {"id":"wait","type":"waitFor","event":"e","timeout":"P31D"}]}
            """;
        var answer = await TemplateApi.ExpectAsync(await tenant.Http.PostAsync(Url, WorkflowApi.Json(draft)), 422);

        Assert.False(answer["valid"]!.GetValue<bool>());
        var steps = answer["steps"]!.AsObject();
        Assert.Equal(["fork", "mail", "sms", "wait"], steps.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.Contains(steps["mail"]!.AsArray(), m => m!.GetValue<string>().Contains("no published email template 'missing'"));
        Assert.DoesNotContain(answer["definition"]!.AsObject(), p => p.Key.StartsWith("$.steps", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync($"{WorkflowApi.Admin}/esc")).StatusCode);
    }

    [Fact]
    public async Task A_sound_definition_is_valid_with_no_problems_and_a_body_that_is_not_json_is_a_400()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "note", channel = "email", locale = "en", parts = new { subject = "s", text = "t" } });
        var ok = await TemplateApi.ExpectAsync(await tenant.Http.PostAsync(Url,
            WorkflowApi.Json("""{"key":"ok","name":"Ok","steps":[{"id":"a","type":"send","channel":"email","template":"note"}]}""")), 200);
        Assert.True(ok["valid"]!.GetValue<bool>());
        Assert.Empty(ok["steps"]!.AsObject());
        Assert.Empty(ok["definition"]!.AsObject());
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Http.PostAsync(Url, WorkflowApi.Json("{not json"))).StatusCode);
    }
}
