using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.RateLimits;

/// <summary>
/// A refused request is held for its Retry-After before the 429 goes out (a client retrying at once is slowed to that
/// pace), and never more than the configured number at once per replica.
/// </summary>
[Collection("service")]
public class RefusalHoldTests(ServiceFixture service)
{
    private static readonly object InApp = new { channel = "in_app", recipient = new { userId = "u1" }, content = new { subject = "Hi", body = "Hello" } };

    [Fact]
    public async Task A_refused_send_is_held_for_its_Retry_After_then_answered_429()
    {
        var hold = service.Factory.Services.GetRequiredService<RefusalHold>();
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        (await tenant.Http.PutAsJsonAsync("/api/v1/admin/rate-limits/send", new { perSecond = 0.01, burst = 1 })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.Http.PostJsonAsync(Api.Send, InApp)).StatusCode);

        var refused = tenant.Http.PostJsonAsync(Api.Send, InApp);
        await Eventually.Async(() => hold.Held == 1, "the refused send held in the service");
        Assert.False(refused.IsCompleted, "no answer while it is held");
        var answer = await refused;
        Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
        Assert.NotNull(answer.Headers.RetryAfter);
        Assert.Equal(0, hold.Held);
    }

    [Fact]
    public async Task Past_the_cap_a_refusal_is_answered_at_once_and_a_client_that_leaves_frees_its_place()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RateLimits:HoldRefusalsMs"] = "10000", ["RateLimits:MaxHeldRefusals"] = "1",
        }).Build();
        var hold = new RefusalHold(config, TimeProvider.System);
        using var leaves = new CancellationTokenSource();

        var first = hold.HoldAsync(TimeSpan.FromSeconds(5), leaves.Token).AsTask();
        Assert.False(first.IsCompleted);
        Assert.Equal(1, hold.Held);
        var second = hold.HoldAsync(TimeSpan.FromSeconds(5), default).AsTask();
        Assert.True(second.IsCompletedSuccessfully, "past MaxHeldRefusals the refusal is not held");
        Assert.Equal(1, hold.Held);

        await leaves.CancelAsync();
        await first;
        Assert.Equal(0, hold.Held);
        Assert.True(hold.HoldAsync(TimeSpan.Zero, default).IsCompletedSuccessfully, "nothing to wait for: answered at once");
    }
}
