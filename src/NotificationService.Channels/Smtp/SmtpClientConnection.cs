using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace NotificationService.Channels.Smtp;

/// <summary>An SMTP reply: the code and the joined text of its (possibly multi-line) response.</summary>
public sealed record SmtpReply(int Code, IReadOnlyList<string> Lines)
{
    public string Text => string.Join(" ", Lines);
    public bool IsPositive => Code is >= 200 and < 400;
}

/// <summary>A reply the client did not expect at this stage of the transaction.</summary>
public sealed class SmtpReplyException(string stage, SmtpReply reply) : Exception($"{stage}: {reply.Code} {reply.Text}")
{
    public string Stage { get; } = stage;
    public SmtpReply Reply { get; } = reply;
}

/// <summary>A small SMTP client (RFC 5321) over TcpClient/SslStream: EHLO, STARTTLS or implicit TLS, AUTH PLAIN/LOGIN, one message per connection.</summary>
public sealed class SmtpClientConnection : IAsyncDisposable
{
    private Socket? _socket;
    private Stream _stream = Stream.Null;
    private byte[] _buffer = new byte[8192];
    private int _start, _end;

    public IReadOnlyList<string> Capabilities { get; private set; } = [];
    public bool IsEncrypted => _stream is SslStream;

    public sealed record Options(string Host, int Port, string Tls, bool AllowInvalidCertificate, string ClientName);

    /// <param name="connect">Opens the TCP connection (the outbound guard's, so a refused host is never contacted).</param>
    public async Task ConnectAsync(Options options, Func<string, int, CancellationToken, Task<Socket>> connect, CancellationToken ct)
    {
        _socket = await connect(options.Host, options.Port, ct);
        _stream = new NetworkStream(_socket, ownsSocket: false);
        if (options.Tls == "implicit") await StartTlsAsync(options, ct);
        await Expect("greeting", 220, ct);
        await EhloAsync(options.ClientName, ct);

        if (options.Tls == "starttls")
        {
            if (!Capabilities.Any(c => c.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase)))
                throw new SmtpProtocolException("server does not offer STARTTLS");
            await CommandAsync("STARTTLS", "STARTTLS", 220, ct);
            await StartTlsAsync(options, ct);
            await EhloAsync(options.ClientName, ct); // RFC 3207: forget everything learned before TLS
        }
    }

    private async Task EhloAsync(string clientName, CancellationToken ct)
    {
        var reply = await SendAsync($"EHLO {clientName}", ct);
        if (reply.Code == 250)
        {
            Capabilities = reply.Lines.Skip(1).ToArray();
            return;
        }
        await Expect("HELO", 250, ct, await SendAsync($"HELO {clientName}", ct));
        Capabilities = [];
    }

    private async Task StartTlsAsync(Options options, CancellationToken ct)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        var auth = new SslClientAuthenticationOptions
        {
            TargetHost = options.Host,
            EnabledSslProtocols = SslProtocols.None, // OS defaults: TLS 1.2/1.3
        };
        if (options.AllowInvalidCertificate) auth.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        await ssl.AuthenticateAsClientAsync(auth, ct);
        _stream = ssl;
        _start = _end = 0;
    }

    public async Task AuthenticateAsync(string username, string password, CancellationToken ct)
    {
        var mechanisms = Capabilities
            .Where(c => c.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase) && c.Length > 4 && c[4] is ' ' or '=')
            .SelectMany(c => c[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(m => m.ToUpperInvariant()).ToHashSet();

        if (mechanisms.Contains("PLAIN") || !mechanisms.Contains("LOGIN"))
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{username}\0{password}"));
            await CommandAsync("AUTH PLAIN " + token, "AUTH", 235, ct);
            return;
        }
        await CommandAsync("AUTH LOGIN", "AUTH", 334, ct);
        await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(username)), "AUTH", 334, ct);
        await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), "AUTH", 235, ct);
    }

    /// <summary>MAIL FROM, RCPT TO, DATA with dot-stuffing; returns the server's final reply.</summary>
    public async Task<SmtpReply> SendMailAsync(string from, string to, string message, CancellationToken ct)
    {
        var eightBit = Capabilities.Any(c => c.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase));
        await CommandAsync($"MAIL FROM:<{from}>" + (eightBit ? " BODY=8BITMIME" : ""), "MAIL FROM", 250, ct);
        await CommandAsync($"RCPT TO:<{to}>", "RCPT TO", 250, ct);
        await CommandAsync("DATA", "DATA", 354, ct);
        var data = DotStuff(message);
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(data), ct);
        await _stream.FlushAsync(ct);
        return await Expect("DATA", 250, ct);
    }

    /// <summary>RFC 5321 §4.5.2: a line starting with "." gets another "."; the data ends with CRLF.CRLF.</summary>
    public static string DotStuff(string message)
    {
        var normalized = message.ReplaceLineEndings("\r\n");
        var sb = new StringBuilder(normalized.Length + 16);
        if (normalized.StartsWith('.')) sb.Append('.');
        sb.Append(normalized.Replace("\r\n.", "\r\n.."));
        if (!normalized.EndsWith("\r\n", StringComparison.Ordinal)) sb.Append("\r\n");
        sb.Append(".\r\n");
        return sb.ToString();
    }

    public async Task QuitAsync(CancellationToken ct)
    {
        try { await SendAsync("QUIT", ct); } catch (Exception) when (!ct.IsCancellationRequested) { }
    }

    private async Task<SmtpReply> CommandAsync(string command, string stage, int expected, CancellationToken ct) =>
        await Expect(stage, expected, ct, await SendAsync(command, ct));

    private async Task<SmtpReply> SendAsync(string command, CancellationToken ct)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), ct);
        await _stream.FlushAsync(ct);
        return await ReadReplyAsync(ct);
    }

    private async Task<SmtpReply> Expect(string stage, int expected, CancellationToken ct, SmtpReply? reply = null)
    {
        reply ??= await ReadReplyAsync(ct);
        if (reply.Code != expected) throw new SmtpReplyException(stage, reply);
        return reply;
    }

    private async Task<SmtpReply> ReadReplyAsync(CancellationToken ct)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(ct);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), out var code))
                throw new SmtpProtocolException("malformed reply from server");
            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] != '-') return new SmtpReply(code, lines);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var nl = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (nl >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, nl - _start).TrimEnd('\r');
                _start = nl + 1;
                return line;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
            {
                if (_buffer.Length >= 1 << 20) throw new SmtpProtocolException("reply line too long");
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            var n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct);
            if (n == 0) throw new IOException("connection closed by the SMTP server");
            _end += n;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { await _stream.DisposeAsync(); } catch (Exception) { }
        _socket?.Dispose();
    }
}

/// <summary>The server broke the protocol or lacks a required extension: the provider config is unusable.</summary>
public sealed class SmtpProtocolException(string message) : Exception(message);
