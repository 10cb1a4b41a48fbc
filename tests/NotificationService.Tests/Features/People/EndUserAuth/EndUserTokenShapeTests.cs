using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using NotificationService.Features.People.EndUserAuth;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.EndUserAuth;

/// <summary>
/// End-user tokens have the shape RFC 7519/7515 give them, whichever key signed them (the service's own HS256 key, as
/// minted tokens are, or an RS256 key the tenant registered): `exp`, `nbf`, `iat` are numbers, `sub` is a string, an
/// unknown `crit` header is refused, `iat` is not in the future beyond the 30 s skew, a claim is not named twice. Each
/// is a 401 `invalid_token` saying which. Tokens are built by hand: a JWT library would not write these.
/// </summary>
[Collection("service")]
public class EndUserTokenShapeTests(ServiceFixture service)
{
    private static string B64(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    private static string Hs256(byte[] secret, string header, string payload)
    {
        var input = B64(header) + "." + B64(payload);
        return input + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }

    private static string Rs256(RSA key, string header, string payload)
    {
        var input = B64(header) + "." + B64(payload);
        return input + "." + Base64UrlEncoder.Encode(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private async Task<(HttpStatusCode Status, string Challenge, string Detail)> CallAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, EndUsers.Inbox) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        using var response = await service.Factory.CreateClient().SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Headers.WwwAuthenticate.ToString(),
            body.TrimStart().StartsWith('{') ? JsonNode.Parse(body)?["detail"]?.GetValue<string>() ?? "" : "");
    }

    /// <summary>The claims of a good token, with one changed (a JSON fragment in place of its value), as raw JSON.</summary>
    private static string Claims(Guid tenant, string? change = null, string? to = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, string>
        {
            ["iss"] = $"\"{tenant}\"", ["aud"] = "\"notification-service\"", ["sub"] = "\"bob\"",
            ["iat"] = now.ToString(), ["nbf"] = now.ToString(), ["exp"] = (now + 600).ToString(),
        };
        if (change is not null) claims[change] = to!;
        return "{" + string.Join(",", claims.Select(c => $"\"{c.Key}\":{c.Value}")) + "}";
    }

    private static IEnumerable<(string Header, string Payload, string Reason)> BadShapes(Guid tenant, string alg)
    {
        var header = $$"""{"alg":"{{alg}}","typ":"JWT"}""";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        yield return (header, Claims(tenant, "exp", $"\"{now + 600}\""), "exp is not a number");
        yield return (header, Claims(tenant, "nbf", $"\"{now}\""), "nbf is not a number");
        yield return (header, Claims(tenant, "iat", $"\"{now}\""), "iat is not a number");
        yield return (header, Claims(tenant, "sub", "42"), "sub is not a string");
        yield return (header, Claims(tenant, "iat", (now + 10 * 86_400).ToString()), "issued in the future");
        yield return ($$"""{"alg":"{{alg}}","typ":"JWT","crit":["urn:example:must-understand"],"urn:example:must-understand":true}""",
            Claims(tenant), "critical header");
        yield return (header, Claims(tenant)[..^1] + ",\"sub\":\"mallory\"}", "claim twice");
    }

    private async Task AssertRulesAsync(Guid tenant, string alg, Func<string, string, string> sign)
    {
        var header = $$"""{"alg":"{{alg}}","typ":"JWT"}""";
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(sign(header, Claims(tenant)))).Status);   // the same key, a well-formed token
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(sign(header, Claims(tenant, "iat", (now + 10).ToString())))).Status);   // within the skew
        foreach (var (h, payload, reason) in BadShapes(tenant, alg))
        {
            var (status, challenge, detail) = await CallAsync(sign(h, payload));
            Assert.True(status == HttpStatusCode.Unauthorized, $"{alg} {reason}: {status}");
            Assert.Equal("Bearer error=\"invalid_token\"", challenge);
            Assert.Contains(reason, detail);
        }
    }

    [Fact]
    public async Task Tokens_signed_with_the_services_own_key_must_have_the_registered_claim_types()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.TokenAsync("bob");   // minting creates the tenant's service key
        await using var scope = service.Factory.Services.CreateAsyncScope();
        var secret = (await scope.ServiceProvider.GetRequiredService<UserAuthKeyStore>().ServiceKeyAsync(tenant.Id, default)).Secret!;
        await AssertRulesAsync(tenant.Id, "HS256", (h, p) => Hs256(secret, h, p));
    }

    [Fact]
    public async Task Tokens_signed_with_a_key_the_tenant_registered_must_have_the_registered_claim_types()
    {
        var tenant = await service.NewTenantAsync(null);
        using var rsa = RSA.Create(2048);
        var registered = await tenant.Http.PostJsonAsync("/api/v1/admin/user-auth/keys", new { kind = "rs256", publicKey = rsa.ExportSubjectPublicKeyInfoPem() });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        await AssertRulesAsync(tenant.Id, "RS256", (h, p) => Rs256(rsa, h, p));
    }
}
