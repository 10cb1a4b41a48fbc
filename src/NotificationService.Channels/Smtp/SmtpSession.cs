using System.Collections.Concurrent;
using MailKit.Net.Smtp;

namespace NotificationService.Channels.Smtp;

/// <summary>One MailKit client, connected (and authenticated) on a socket the outbound guard opened.</summary>
public sealed class SmtpSession(SmtpClient client, DateTimeOffset opened, SmtpConfigPool? pool) : IDisposable
{
    public SmtpClient Client { get; } = client;
    public DateTimeOffset Opened { get; } = opened;
    public DateTimeOffset LastUsed { get; set; } = opened;
    internal SmtpConfigPool? Pool { get; } = pool;
    public void Dispose() => Client.Dispose();
}

/// <summary>One config's connections: the slots that bound them, the idle ones, and whether a changed config retired it.</summary>
public sealed class SmtpConfigPool(SmtpEndpoint endpoint, int size)
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
