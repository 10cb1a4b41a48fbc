using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using NotificationService.Channels.Outbound;

namespace NotificationService.Channels.Smtp;

/// <summary>One MailKit client, connected (and authenticated) on a socket the outbound guard opened.</summary>
public sealed class SmtpSession(SmtpClient client, DateTimeOffset opened, SmtpConnectionPool.ConfigPool? pool) : IDisposable
{
    public SmtpClient Client { get; } = client;
    public DateTimeOffset Opened { get; } = opened;
    public DateTimeOffset LastUsed { get; set; } = opened;
    internal SmtpConnectionPool.ConfigPool? Pool { get; } = pool;
    public void Dispose() => Client.Dispose();
}

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

    private readonly ConcurrentDictionary<(Guid Tenant, Guid Config), ConfigPool> _pools = new();

    /// <summary>Connections opened since start: the pool's specs and the bench count them.</summary>
    public long Opened => Interlocked.Read(ref _opened);
    private long _opened;

    public async Task<SmtpSession> RentAsync(ProviderConfig config, SmtpEndpoint endpoint, int size, CancellationToken ct)
    {
        if (size == 0) return await ConnectAsync(endpoint, null, ct);
        var key = (config.TenantId, config.Id);
        var pool = _pools.GetOrAdd(key, _ => new ConfigPool(endpoint, size));
        while (pool.Endpoint != endpoint || pool.Size != size)
        {
            // The config changed: new connections for the new settings; the old pool's close as they come back.
            if (_pools.TryUpdate(key, new ConfigPool(endpoint, size), pool)) pool.Retire();
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

    private async Task<SmtpSession> ConnectAsync(SmtpEndpoint endpoint, ConfigPool? pool, CancellationToken ct)
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

    public void Dispose()
    {
        foreach (var pool in _pools.Values) pool.Retire();
        _pools.Clear();
    }

    public sealed class ConfigPool(SmtpEndpoint endpoint, int size)
    {
        public SmtpEndpoint Endpoint { get; } = endpoint;
        public int Size { get; } = size;
        public SemaphoreSlim Slots { get; } = new(size, size);
        public ConcurrentStack<SmtpSession> Idle { get; } = new();
        public bool Retired { get; private set; }

        public void Retire()
        {
            Retired = true;
            CloseIdle();
        }

        public void CloseIdle()
        {
            while (Idle.TryPop(out var session)) session.Dispose();
        }
    }
}
