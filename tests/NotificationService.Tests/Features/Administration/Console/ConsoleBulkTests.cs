using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>Bulk jobs in the console: the column-mapping helper, the dry-run preview table, rows/s and cancel.</summary>
[Collection("console")]
public class ConsoleBulkTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task The_header_row_is_mapped_in_the_browser_and_a_dry_run_previews_its_first_rows_as_they_would_be_sent()
    {
        var tenant = await console.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(TemplateApi.Sms("promo", "Hi {{name}}, {{offer}}"));
        var csv = Path.Combine(Path.GetTempPath(), $"console-map-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(csv, [
            "\"Mobile number\";name;offer",          // no column is called phone, and the delimiter is ;
            "+14155550101;Ada;10% off",
            "not-a-phone;Bad;x",                     // row 2: rejected
            "+14155550101;Ada again;y",              // row 3: the same recipient as row 1
            .. Enumerable.Range(2, 6).Select(i => $"+1415555010{i};Person {i};deal {i}"),
        ]);
        try
        {
            var page = await console.NewPageAsync();
            await page.SignInAtAsync(console, tenant, "/admin/bulk");
            var helper = page.Locator("#mapping-helper");
            await Assertions.Expect(helper).ToBeHiddenAsync();
            await page.GetByLabel("CSV file").SetInputFilesAsync(csv);
            await Assertions.Expect(helper).ToBeVisibleAsync();
            var phone = helper.GetByLabel("phone", new() { Exact = true });
            Assert.Equal(["— none —", "Mobile number", "name", "offer"], await phone.Locator("option").AllTextContentsAsync());
            Assert.Equal("", await phone.InputValueAsync());   // nothing is named phone, so nothing is guessed

            await phone.SelectOptionAsync("Mobile number");
            await Assertions.Expect(page.GetByLabel("Column mapping (JSON, optional)")).ToHaveValueAsync("""{"Mobile number":"phone"}""");
            await Assertions.Expect(page.Locator("#data-columns")).ToHaveTextAsync("Template data columns: name, offer");
            await helper.GetByLabel("user_id").SelectOptionAsync("Mobile number");
            await Assertions.Expect(page.Locator("#mapping-error")).ToContainTextAsync("chosen for both phone and user_id");
            await helper.GetByLabel("user_id").SelectOptionAsync("");
            await Assertions.Expect(page.Locator("#mapping-error")).ToBeEmptyAsync();
            await page.AssertFitsPhoneWidthAsync();
            await page.SetViewportSizeAsync(1280, 900);

            await page.GetByLabel("Channel").SelectOptionAsync("sms");
            await page.GetByLabel("Published template key").FillAsync("promo");
            await page.GetByLabel("Dry run (validate, send nothing)").CheckAsync();
            var upload = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync(),
                r => r.Url.Contains("handler=Upload"));
            if (!upload.Ok) Assert.Fail($"upload answered {upload.Status}: {await upload.TextAsync()}");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/bulk/[0-9a-f-]{36}$"));
            await Assertions.Expect(page.Locator("#bar")).ToHaveAttributeAsync("value", "100", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("[data-rate]")).ToHaveTextAsync(new Regex(@"^[1-9][\d,]* rows/s \(average\)$"));

            await page.ReloadAsync();
            var rows = page.Locator("#dry-run-preview tbody tr");
            // Rows 1..7: five rendered (1, 4, 5, 6, 7), the rejected row 2 and the duplicate row 3, in file order.
            Assert.Equal(["1", "2", "3", "4", "5", "6", "7"], await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.row)"));
            var first = page.Locator("#dry-run-preview tr[data-row='1']");
            await Assertions.Expect(first).ToContainTextAsync("+14155550101");
            await Assertions.Expect(first.Locator("[data-part=body] pre")).ToHaveTextAsync("Hi Ada, 10% off");
            await Assertions.Expect(page.Locator("#dry-run-preview tr[data-row='2']")).ToHaveAttributeAsync("data-outcome", "rejected");
            await Assertions.Expect(page.Locator("#dry-run-preview tr[data-row='2']")).ToContainTextAsync("Mobile number");
            await Assertions.Expect(page.Locator("#dry-run-preview tr[data-row='3']")).ToHaveAttributeAsync("data-outcome", "duplicate");
            await Assertions.Expect(page.Locator("#dry-run-preview tr[data-row='7'] [data-part=body] pre")).ToHaveTextAsync("Hi Person 5, deal 5");
            await Assertions.Expect(page.Locator("form[data-cancel-job]")).ToHaveCountAsync(0);   // nothing to cancel once done
            Assert.Equal(0, await console.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));   // a dry run sends nothing
            await ConsolePages.AssertFitsPhoneWidthAsync(page);
        }
        finally { File.Delete(csv); }
    }

    [ChromiumFact]
    public async Task A_running_job_shows_its_rate_and_is_cancelled_from_its_page_as_the_API_would()
    {
        var tenant = await console.NewTenantAsync();
        var jobId = await RunningJobAsync(tenant.Id, "big.csv", 1_000_000);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, $"/admin/bulk/{jobId}");

        using var stop = new CancellationTokenSource();
        var progress = Task.Run(async () =>
        {
            for (var rows = 1_000; !stop.IsCancellationRequested; rows += 1_000)
            {
                await console.ScalarAsync<object>("update bulk_jobs set processed_rows = $2, bytes_read = least($2 * 10, 900000) where id = $1", jobId, (long)rows);
                await Task.Delay(100);
            }
        });
        try
        {
            await Assertions.Expect(page.Locator("[data-rate]")).ToHaveTextAsync(new Regex(@"^[1-9][\d,]* rows/s$"));
            await Assertions.Expect(page.Locator("#bar")).Not.ToHaveAttributeAsync("value", "0");
        }
        finally { stop.Cancel(); await progress; }

        // The page polls while the cancel posts: a poll sent before the post carries no flash cookie, and its answer may
        // come after the post's redirect set one, so it must not touch that cookie (it did: the page came back without
        // its message). A poll without the cookie, answered now, shows whether it would.
        var signedIn = string.Join("; ", (await page.Context.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));
        using (var poll = new HttpRequestMessage(HttpMethod.Get, new Uri(console.BaseAddress, $"/admin/bulk/{jobId}?handler=Progress")))
        using (var http = new HttpClient(new HttpClientHandler { UseCookies = false }))
        {
            poll.Headers.Add("Cookie", signedIn);
            using var answer = await http.SendAsync(poll);
            Assert.Equal(200, (int)answer.StatusCode);
            Assert.False(answer.Headers.Contains("Set-Cookie"), string.Join(" | ", answer.Headers.TryGetValues("Set-Cookie", out var set) ? set : []));
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel job" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Cancelled");
        await Assertions.Expect(page.Locator("[data-progress-label]")).ToContainTextAsync("cancelled");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel job" })).ToHaveCountAsync(0);
        var status = await tenant.Http.GetJsonAsync($"/api/v1/services/notifications/bulk/{jobId}");
        Assert.Equal("cancelled", status["status"]!.GetValue<string>());
        // The API's cancel now says what the console's said: the job has ended.
        Assert.Equal(409, (int)(await tenant.Http.PostAsync($"/api/v1/services/notifications/bulk/{jobId}/cancel", null)).StatusCode);
    }

    [ChromiumFact]
    public async Task Another_tenants_job_is_not_found_and_cannot_be_cancelled()
    {
        var owner = await console.NewTenantAsync();
        var jobId = await RunningJobAsync(owner.Id, "owner.csv", 1_000);
        var intruder = await console.NewTenantAsync();
        var page = await console.NewPageAsync();
        await page.SignInAsync(console, intruder);
        Assert.Equal(404, (await page.GotoAsync($"/admin/bulk/{jobId}"))!.Status);
        await page.GotoAsync("/admin/bulk");
        var status = await page.EvaluateAsync<int>("""
            async id => (await fetch(`/admin/bulk/${id}?handler=Cancel`, {
                method: "POST", credentials: "same-origin", redirect: "manual",
                headers: { "X-CSRF-Token": document.querySelector("input[name=__csrf]").value } })).status
            """, jobId.ToString());
        Assert.Equal(404, status);
        Assert.Equal("enqueuing", await console.ScalarAsync<string>("select status from bulk_jobs where id = $1", jobId));
    }

    /// <summary>A job mid-run whose counts the test moves itself: no queue job, so no runner races the test.</summary>
    private async Task<Guid> RunningJobAsync(Guid tenantId, string fileName, long fileBytes)
    {
        var jobId = Guid.NewGuid();
        await console.ScalarAsync<object>("""
            insert into bulk_jobs (id, tenant_id, status, options, file_name, file_bytes, started_at)
            values ($1, $2, 'enqueuing', '{"channel":"sms","template":"promo"}', $3, $4, now())
            """, jobId, tenantId, fileName, fileBytes);
        return jobId;
    }
}
