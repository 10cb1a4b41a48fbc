using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NotificationService.Bench.Providers;

/// <summary>
/// A real SMTP server on 127.0.0.1 for the adapter phase: Python's aiosmtpd (Debian python3-aiosmtpd, or
/// `bash scripts/install-test-tools.sh aiosmtpd`) requiring STARTTLS on a self-signed certificate and AUTH
/// (bench / bench-pass), as a submission relay on port 587 would; it accepts every message and keeps none.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    public const string User = "bench", Password = "bench-pass";

    private const string Script = """
        import sys, ssl
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword
        port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH); ctx.load_cert_chain(cert, key)
        class Sink:
            async def handle_DATA(self, server, session, envelope): return '250 OK'
        def auth(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login == b'bench' and data.password == b'bench-pass'
            return AuthResult(success=ok, handled=ok)
        c = Controller(Sink(), hostname='127.0.0.1', port=port, authenticator=auth, tls_context=ctx, require_starttls=True)
        c.start(); print('READY', flush=True); sys.stdin.read(); c.stop()
        """;

    private readonly Process _process;
    private readonly string _dir;
    public int Port { get; }

    private SmtpSink(Process process, string dir, int port) => (_process, _dir, Port) = (process, dir, port);

    /// <summary>The running sink, or null with the reason (no python3 with aiosmtpd).</summary>
    public static SmtpSink? TryStart(out string? why)
    {
        why = null;
        var dir = Directory.CreateTempSubdirectory("bench-smtp-").FullName;
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(Path.Combine(dir, "cert.pem"), cert.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "key.pem"), rsa.ExportPkcs8PrivateKeyPem());
        }
        File.WriteAllText(Path.Combine(dir, "sink.py"), Script);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        // Debian's python3 first: python3-aiosmtpd installs there, and a python3 earlier on PATH (pyenv) may lack it.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var psi = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(dir, "sink.py"), port.ToString(), Path.Combine(dir, "cert.pem"), Path.Combine(dir, "key.pem") })
            psi.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { why = $"python3 not found ({e.Message})"; return null; }
        var stderr = process.StandardError.ReadToEndAsync();
        var ready = process.StandardOutput.ReadLineAsync();
        if (ready.Wait(TimeSpan.FromSeconds(30)) && ready.Result == "READY") return new SmtpSink(process, dir, port);
        try { process.Kill(true); } catch (InvalidOperationException) { }
        why = "aiosmtpd did not start: " + (stderr.Wait(2000) ? stderr.Result.Trim().Split('\n').LastOrDefault() : "no answer");
        return null;
    }

    public void Dispose()
    {
        try { _process.StandardInput.Close(); if (!_process.WaitForExit(5000)) _process.Kill(true); } catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
