using NotificationService.Infrastructure;

namespace NotificationService.Tests.Infrastructure;

public class TtlCacheTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Loads_once_per_ttl_caches_misses_too_and_can_drop_entries_early()
    {
        var clock = new ManualClock();
        var cache = new TtlCache<string, string?>(clock, TimeSpan.FromSeconds(5));
        var loads = 0;
        Task<string?> Load(string k, CancellationToken _) { loads++; return Task.FromResult<string?>(k == "known" ? "value" : null); }

        Assert.Equal("value", await cache.GetOrLoadAsync("known", Load, default));
        Assert.Null(await cache.GetOrLoadAsync("unknown", Load, default));
        Assert.Equal("value", await cache.GetOrLoadAsync("known", Load, default));
        Assert.Null(await cache.GetOrLoadAsync("unknown", Load, default));
        Assert.Equal(2, loads);

        clock.Now += TimeSpan.FromSeconds(6);
        await cache.GetOrLoadAsync("known", Load, default);
        cache.Remove("unknown");
        await cache.GetOrLoadAsync("unknown", Load, default);
        Assert.Equal(4, loads);
    }

    [Fact]
    public async Task Never_holds_more_than_its_capacity_however_many_distinct_keys_arrive()
    {
        var cache = new TtlCache<int, int>(new ManualClock(), TimeSpan.FromMinutes(1), capacity: 100);
        for (var i = 0; i < 10_000; i++) await cache.GetOrLoadAsync(i, (k, _) => Task.FromResult(k), default);

        var loads = 0;
        for (var i = 9_950; i < 10_000; i++) await cache.GetOrLoadAsync(i, (k, _) => { loads++; return Task.FromResult(k); }, default);
        Assert.Equal(0, loads); // the newest keys are still cached: the bound drops old entries, not new ones
        var evicted = 0;
        await cache.GetOrLoadAsync(0, (k, _) => { evicted++; return Task.FromResult(k); }, default);
        Assert.Equal(1, evicted);
    }

    [Fact]
    public async Task Concurrent_misses_for_one_key_share_one_load_and_a_failed_load_is_not_cached()
    {
        var cache = new TtlCache<string, int>(new ManualClock(), TimeSpan.FromSeconds(5));
        var release = new TaskCompletionSource();
        var loads = 0;
        async Task<int> SlowLoad(string _, CancellationToken __) { Interlocked.Increment(ref loads); await release.Task; return 42; }

        var waiting = Enumerable.Range(0, 20).Select(_ => cache.GetOrLoadAsync("popular", SlowLoad, default).AsTask()).ToList();
        release.SetResult();
        Assert.All(await Task.WhenAll(waiting), v => Assert.Equal(42, v));
        Assert.Equal(1, loads);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await cache.GetOrLoadAsync("flaky", (_, _) => Task.FromException<int>(new InvalidOperationException("db down")), default));
        Assert.Equal(7, await cache.GetOrLoadAsync("flaky", (_, _) => Task.FromResult(7), default));
    }
}
