using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using NotificationService.Channels.Outbound;

namespace NotificationService.Channels.Smtp;

/// <summary>
/// Connected, authenticated SMTP clients kept per tenant and provider config, so a burst pays TCP + TLS + EHLO + AUTH once
/// per connection rather than once per message. Bounded (`poolSize` per config: a send waits for a free one); a client idle
/// for a while is checked with NOOP before reuse; one older than <see cref="MaxAge"/>, or that saw any error, is closed.
/// Every new connection goes through the outbound guard.
/// </summary>
public sealed class SmtpConnectionPool(OutboundGuard guard, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan CheckIdleAfter = TimeSpan.FromSeconds(10);
    /// <summary>Idle longer than this, a connection is closed by the next sweep: a deleted or quiet config keeps no sockets open.</summary>
    public static readonly TimeSpan CloseIdleAfter = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<(Guid Tenant, Guid Config), SmtpConfigPool> _pools = new();

    /// <summary>Connections opened since start: the pool's specs and the bench count them.</summary>
    public long Opened => Interlocked.Read(ref _opened);
    private long _opened;
    private long _lastSweepTicks;

    /// <summary>Connections open and waiting in the pools.</summary>
    public int Idle => _pools.Values.Sum(p => p.Idle.Count);

    public async Task<SmtpSession> RentAsync(ProviderConfig config, SmtpEndpoint endpoint, int size, CancellationToken ct)
    {
        SweepIfDue();
        if (size == 0) return await ConnectAsync(endpoint, null, ct);
        var key = (config.TenantId, config.Id);
        var pool = _pools.GetOrAdd(key, _ => new SmtpConfigPool(endpoint, size));
        while (pool.Endpoint != endpoint || pool.Size != size)
        {
            // The config changed: new connections for the new settings; the old pool's close as they come back.
            if (_pools.TryUpdate(key, new SmtpConfigPool(endpoint, size), pool)) pool.Retire();
            pool = _pools[key];
        }
        await pool.Slots.WaitAsync(ct);
        try
        {
            while (pool.Idle.TryPop(out var session))
            {
                var now = time.GetUtcNow();
                if (!session.Client.IsConnected || now - session.Opened > MaxAge) { session.Dispose(); continue; }
                if (now - session.LastUsed > CheckIdleAfter)
                {
                    try { await session.Client.NoOpAsync(ct); }
                    catch (Exception) { session.Dispose(); ct.ThrowIfCancellationRequested(); continue; }
                }
                return session;
            }
            return await ConnectAsync(endpoint, pool, ct);
        }
        catch
        {
            pool.Slots.Release();
            throw;
        }
    }

    /// <summary>Back to its pool when the send went well; closed otherwise (or when it has no pool: one connection per message).</summary>
    public async Task ReturnAsync(SmtpSession session, bool healthy)
    {
        var pool = session.Pool;
        if (pool is null)
        {
            if (healthy) try { await session.Client.DisconnectAsync(quit: true); } catch (Exception) { }
            session.Dispose();
            return;
        }
        var now = time.GetUtcNow();
        if (healthy && !pool.Retired && session.Client.IsConnected && now - session.Opened <= MaxAge)
        {
            session.LastUsed = now;
            pool.Idle.Push(session);
            if (pool.Retired) pool.CloseIdle();
        }
        else session.Dispose();
        pool.Slots.Release();
    }

    private async Task<SmtpSession> ConnectAsync(SmtpEndpoint endpoint, SmtpConfigPool? pool, CancellationToken ct)
    {
        // The send's own token bounds each send (`timeoutSeconds`); this only stops a socket read the token somehow misses.
        var client = new SmtpClient { Timeout = (int)TimeSpan.FromMinutes(2).TotalMilliseconds };
        if (endpoint.AllowInvalidCertificate) client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        try
        {
            var socket = await guard.ConnectSocketAsync(endpoint.Host, endpoint.Port, ct);
            try { await client.ConnectAsync(socket, endpoint.Host, endpoint.Port, endpoint.Tls, ct); }
            catch { socket.Dispose(); throw; }
            Interlocked.Increment(ref _opened);
            if (endpoint.Username is { } username) await client.AuthenticateAsync(username, endpoint.Password ?? "", ct);
            return new SmtpSession(client, time.GetUtcNow(), pool);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>At most once a minute, on a send's way through: closes what has idled past <see cref="CloseIdleAfter"/> in every
    /// pool.</summary>
    private void SweepIfDue()
    {
        var now = time.GetUtcNow();
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute
            || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last) return;
        foreach (var pool in _pools.Values)
        {
            var kept = new List<SmtpSession>();
            while (pool.Idle.TryPop(out var session))
                if (now - session.LastUsed > CloseIdleAfter) session.Dispose();
                else kept.Add(session);
            for (var i = kept.Count - 1; i >= 0; i--) pool.Idle.Push(kept[i]);
        }
    }

    public void Dispose()
    {
        foreach (var pool in _pools.Values) pool.Retire();
        _pools.Clear();
    }
}
