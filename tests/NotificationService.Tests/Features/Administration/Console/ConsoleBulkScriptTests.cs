using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The bulk page's script: only a running job is polled. A finished job's row once carried an empty progress URL, and
/// the script fetched the page itself as JSON: a script error on every load of the list.
/// </summary>
[Collection("console")]
public class ConsoleBulkScriptTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task The_jobs_list_loads_without_a_script_error_and_still_follows_a_running_job_to_its_end()
    {
        var tenant = await console.NewTenantAsync();
        await InsertJobAsync(tenant.Id, "done.csv", "completed");
        var running = await InsertJobAsync(tenant.Id, "running.csv", "enqueuing");
        var page = await console.NewPageAsync();
        await page.SignInAsync(console, tenant);
        var errors = page.RecordScriptErrors();
        await page.GotoAsync("/admin/bulk");

        var label = page.Locator($"#bulk-jobs tr[data-job='{running}'] [data-progress-label]");
        await console.ScalarAsync<object>("update bulk_jobs set processed_rows = 1234 where id = $1", running);
        await Assertions.Expect(label).ToContainTextAsync("1234 rows");
        await console.ScalarAsync<object>("update bulk_jobs set status = 'completed', finished_at = now() where id = $1", running);
        await Assertions.Expect(label).ToContainTextAsync("completed");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);   // the last poll has ended: every request the script made is answered
        Assert.Empty(errors);
        await page.AssertAccessibleAsync();
    }

    [ChromiumFact]
    public async Task An_upload_from_the_page_shows_its_progress_to_the_end_without_a_script_error()
    {
        var tenant = await console.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(TemplateApi.Sms("promo", "Hi {{name}}"));
        await InsertJobAsync(tenant.Id, "earlier.csv", "completed");
        var csv = Path.Combine(Path.GetTempPath(), $"console-script-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(csv, ["phone,name", "+14155550101,Ada", "+14155550102,Grace"]);
        try
        {
            var page = await console.NewPageAsync();
            await page.SignInAsync(console, tenant);
            var errors = page.RecordScriptErrors();
            await page.GotoAsync("/admin/bulk");
            await page.GetByLabel("CSV file").SetInputFilesAsync(csv);
            await page.GetByLabel("Channel").SelectOptionAsync("sms");
            await page.GetByLabel("Published template key").FillAsync("promo");
            await page.GetByLabel("Dry run (validate, send nothing)").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/bulk/[0-9a-f-]{36}$"));
            await Assertions.Expect(page.Locator("#bar")).ToHaveAttributeAsync("value", "100");
            await Assertions.Expect(page.Locator("[data-progress-label]")).ToContainTextAsync("completed");
            await page.GotoAsync("/admin/bulk");
            await Assertions.Expect(page.Locator("#bulk-jobs tbody tr")).ToHaveCountAsync(2);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.Empty(errors);
        }
        finally { File.Delete(csv); }
    }

    private async Task<Guid> InsertJobAsync(Guid tenantId, string fileName, string status)
    {
        var jobId = Guid.NewGuid();
        await console.ScalarAsync<object>("""
            insert into bulk_jobs (id, tenant_id, status, options, file_name, file_bytes, started_at, finished_at)
            values ($1, $2, $3, '{"channel":"sms","template":"promo"}', $4, 1000, now(), case when $3 = 'completed' then now() end)
            """, jobId, tenantId, status, fileName);
        return jobId;
    }
}
