using NotificationService.Tests.Shared.RenderIsolation;
using Xunit.Abstractions;

namespace NotificationService.Templates.Tests;

/// <summary>
/// Renders from several tenants on several threads at once each equal the same render done alone: nothing one render
/// leaves in Handlebars.Net's pooled binding frames reaches another. Every tenant uses the same sources (as tenants
/// sending the same inline body do) with its own ids, so a value read from another render shows as a difference.
/// The shapes are the ones that reach the frames' tables: nested block params (the finding's body, scaled down),
/// <c>#with … as</c>, partials with block params, <c>../</c>, and <c>@data</c> over arrays and objects.
/// </summary>
public class RenderIsolationTests(ITestOutputHelper output)
{
    private const int Threads = 4;

    [Fact]
    public void Renders_of_three_tenants_on_four_threads_each_equal_their_render_done_alone()
    {
        var engine = RenderIsolationRun.Engine();
        var work = RenderIsolationRun.Work(tenants: 3, recipientsPerTenant: 18);
        var alone = work.Select(w => w.Render(engine)).ToArray();

        var result = RenderIsolationRun.Concurrently(engine, work, alone, Threads, rounds: 2);
        output.WriteLine($"{result.Renders:N0} renders on {Threads} threads, {result.Differences} differences");
        Assert.True(result.Differences == 0, $"{result.Differences} of {result.Renders:N0} renders differed from the same render done alone; first: {result.FirstDifference}");
    }
}

