using QRCoder;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// The enrolment's QR code: an `otpauth://` URI (the de-facto format every authenticator app reads) drawn as SVG and
/// served as a data: image, so the page needs no script (the console's CSP allows none inline) and no extra request.
/// </summary>
public static class TotpQrCode
{
    public const string Issuer = "NotificationService";

    public static string UriOf(string email, string base32Secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}"
        + $"?secret={base32Secret}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";

    public static string DataUrlOf(string otpauthUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        return "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg));
    }
}
