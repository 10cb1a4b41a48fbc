namespace NotificationService.Contracts;

/// <summary>
/// Notification ids are UUIDv7 (RFC 9562) made when the service accepts them: the first 48 bits are the Unix time in
/// milliseconds, so an id says when its notification was accepted without a column read.
/// </summary>
public static class Uuid7
{
    public static DateTimeOffset Timestamp(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        long ms = 0;
        for (var i = 0; i < 6; i++) ms = (ms << 8) | bytes[i];
        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    /// <summary>The smallest UUIDv7 of <paramref name="at"/>'s millisecond: every id made before it sorts lower.</summary>
    public static Guid Floor(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = at.ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--) { bytes[i] = (byte)ms; ms >>= 8; }
        bytes[6] = 0x70; // version 7, random bits zero
        bytes[8] = 0x80; // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
