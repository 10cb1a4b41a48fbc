using Microsoft.Playwright;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The workflow picture never hides text: nested arms (a wait's `then`/`on timeout`, a branch's arms, inside each other)
/// take the room their boxes need, side by side or wrapped under each other. A fixed minimum width let a nested arm
/// spill into its neighbour, which painted over it ("on timeou…").
/// </summary>
[Collection("console")]
public class ConsoleWorkflowDiagramTests(ConsoleFixture console)
{
    private const string Nested = """
        {"key": "nested", "name": "Nested", "steps": [
          {"id": "wait-confirmation", "type": "waitFor", "event": "order.confirmed", "timeout": "PT30M",
           "then": [
             {"id": "wait-shipping", "type": "waitFor", "event": "order.shipped", "timeout": "P2D",
              "then": [{"id": "done-shipped", "type": "exit", "reason": "shipped in time"}],
              "onTimeout": [
                {"id": "tier-check", "type": "branch", "arms": [{"when": "data.tier == 'gold'", "steps": [
                   {"id": "wait-gold-callback", "type": "waitFor", "event": "support.called", "timeout": "PT4H",
                    "onTimeout": [{"id": "give-up-gold", "type": "exit", "reason": "no callback from support"}]}]}],
                 "otherwise": [{"id": "pause-before-reminder", "type": "delay", "for": "PT1H"}]}]}],
           "onTimeout": [{"id": "reminder-delay", "type": "delay", "for": "PT15M"}]}
        ]}
        """;

    /// <summary>Every box and arm label shown whole: no text wider than its box, no box outside its arm, no two arms
    /// of a step on top of each other, and the picture needing no sideways scroll.</summary>
    private const string HiddenText = """
        () => {
          const problems = [], picture = document.querySelector("#workflow-picture");
          const name = e => `${e.closest("[data-step]")?.dataset.step}: "${e.textContent.trim()}"`;
          for (const e of picture.querySelectorAll(".wf-box, .wf-arm-label"))
            if (e.scrollWidth > e.clientWidth + 1) problems.push(`${name(e)} is wider than its box (${e.scrollWidth} > ${e.clientWidth} px)`);
          for (const arm of picture.querySelectorAll(".wf-arm")) {
            const a = arm.getBoundingClientRect();
            for (const e of arm.querySelectorAll(".wf-box, .wf-arm-label")) {
              const r = e.getBoundingClientRect();
              if (r.left < a.left - 1 || r.right > a.right + 1) problems.push(`${name(e)} spills out of its arm`);
            }
          }
          for (const arms of picture.querySelectorAll(".wf-arms")) {
            const rects = [...arms.children].map(c => c.getBoundingClientRect());
            for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
              const [p, q] = [rects[i], rects[j]];
              if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1)
                problems.push(`${name(arms)}: arms ${i} and ${j} overlap`);
            }
          }
          if (picture.scrollWidth > picture.clientWidth + 1) problems.push(`the picture scrolls sideways (${picture.scrollWidth} > ${picture.clientWidth} px)`);
          return problems;
        }
        """;

    [ChromiumFact]
    public async Task Nested_arms_show_every_box_whole_on_a_desktop_and_on_a_phone()
    {
        var tenant = await console.NewTenantAsync(null);
        await tenant.Http.PublishWorkflowAsync(Nested);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/workflows/edit?key=nested");
        await Assertions.Expect(page.Locator("#workflow-picture [data-step]")).ToHaveCountAsync(8);
        Assert.Empty(await page.EvaluateAsync<string[]>(HiddenText));
        await page.AssertAccessibleAsync();

        await page.SetViewportSizeAsync(390, 844);
        Assert.Empty(await page.EvaluateAsync<string[]>(HiddenText));
    }
}
