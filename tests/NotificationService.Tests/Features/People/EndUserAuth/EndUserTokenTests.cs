using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.EndUserAuth;

/// <summary>
/// End-user tokens: minted by the service for a backend (scope users:token), or signed by the tenant's backend with a
/// key it registered. A token reaches only /users/me; an API key never does; bad tokens are a 401 with one reason.
/// </summary>
[Collection("service")]
public class EndUserTokenTests(ServiceFixture service)
{
    private static HttpRequestMessage Get(string url, string bearer) =>
        new(HttpMethod.Get, url) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", bearer) } };

    private static string Sign(SecurityKey key, string alg, string issuer, string sub, DateTime expires, string audience = "notification-service",
        DateTime? issuedAt = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience, Subject = new ClaimsIdentity([new Claim("sub", sub)]),
            IssuedAt = issuedAt ?? expires.AddHours(-1), NotBefore = issuedAt ?? expires.AddHours(-1), Expires = expires,
            SigningCredentials = new SigningCredentials(key, alg),
        });

    private async Task<(HttpStatusCode Status, string? Challenge, string Detail)> CallAsync(string token, string url = EndUsers.Inbox)
    {
        using var response = await service.Factory.CreateClient().SendAsync(Get(url, token));
        var body = await response.Content.ReadAsStringAsync();
        var detail = body.Length > 0 && body.TrimStart().StartsWith('{') ? JsonNode.Parse(body)?["detail"]?.GetValue<string>() ?? "" : "";
        return (response.StatusCode, response.Headers.WwwAuthenticate.ToString(), detail);
    }

    [Fact]
    public async Task A_minted_token_reaches_the_users_inbox_and_nothing_of_the_services()
    {
        var tenant = await service.NewTenantAsync();
        var minted = await tenant.Http.PostJsonAsync("/api/v1/services/users/ada/token", new { });
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        var body = await minted.JsonAsync();
        var token = body["token"]!.GetValue<string>();
        var expiresAt = body["expiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));   // default lifetime 1 h
        var jwt = new JsonWebToken(token);
        Assert.Equal(tenant.Id.ToString(), jwt.Issuer);
        Assert.Equal("ada", jwt.Subject);

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(token)).Status);
        // The user token against service endpoints, and the service key against the user's: both refused.
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(token, $"/api/v1/services/notifications/{Guid.NewGuid()}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(token, "/api/v1/admin/user-auth/keys")).Status);
        var keyOnUserRoute = await CallAsync(tenant.ApiKey);
        Assert.Equal(HttpStatusCode.Unauthorized, keyOnUserRoute.Status);
        Assert.Contains("invalid_token", keyOnUserRoute.Challenge);
    }

    [Fact]
    public async Task Minting_needs_the_users_token_scope_and_admin_implies_it()
    {
        var tenant = await service.NewTenantAsync(null);
        await using var scope = service.Factory.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<TenantStore>();
        var (_, sendOnly) = await store.CreateServiceAccountAsync(tenant.Id, "send", [Scopes.Send], default);
        var (_, minter) = await store.CreateServiceAccountAsync(tenant.Id, "minter", [Scopes.UsersToken], default);

        Assert.Equal(HttpStatusCode.Forbidden, (await service.Client(sendOnly).PostJsonAsync("/api/v1/services/users/ada/token", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Client(minter).PostJsonAsync("/api/v1/services/users/ada/token", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.PostJsonAsync("/api/v1/services/users/ada/token", new { })).StatusCode);   // admin
        var tooLong = await tenant.Http.PostJsonAsync("/api/v1/services/users/ada/token", new { expiresInSeconds = 86_401 });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.NotNull((await tooLong.JsonAsync())["errors"]!["expiresInSeconds"]);
    }

    [Fact]
    public async Task Bad_tokens_are_a_401_with_invalid_token_and_one_reason()
    {
        var tenant = await service.NewTenantAsync(null);
        var created = await (await tenant.Http.PostJsonAsync("/api/v1/admin/user-auth/keys", new { kind = "hs256" })).JsonAsync();
        var secret = Base64UrlEncoder.DecodeBytes(created["secret"]!.GetValue<string>());
        var key = new SymmetricSecurityKey(secret);
        var now = DateTime.UtcNow;
        var iss = tenant.Id.ToString();

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(Sign(key, "HS256", iss, "bob", now.AddMinutes(10)))).Status);

        var cases = new (string Token, string Reason)[]
        {
            (Sign(key, "HS256", iss, "bob", now.AddMinutes(-5), issuedAt: now.AddMinutes(-20)), "expired"),
            (Sign(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), "HS256", iss, "bob", now.AddMinutes(10)), "signature"),
            (Sign(key, "HS256", Guid.NewGuid().ToString(), "bob", now.AddMinutes(10)), "issuer"),
            (Sign(key, "HS256", "https://elsewhere.example", "bob", now.AddMinutes(10)), "issuer"),
            (Sign(key, "HS256", iss, "bob", now.AddMinutes(10), audience: "someone-else"), "audience"),
            (Sign(key, "HS256", iss, "bob", now.AddHours(30), issuedAt: now), "24 hours"),
            ("not-a-jwt", "malformed"),
        };
        foreach (var (token, reason) in cases)
        {
            var (status, challenge, detail) = await CallAsync(token);
            Assert.True(status == HttpStatusCode.Unauthorized, $"{reason}: {status}");
            Assert.Equal("Bearer error=\"invalid_token\"", challenge);
            Assert.Contains(reason, detail);
            Assert.DoesNotContain(token, detail);
        }
        var none = await service.Factory.CreateClient().GetAsync(EndUsers.Inbox);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Keys_a_backend_registers_verify_its_tokens_until_deleted_and_secrets_are_shown_once()
    {
        var tenant = await service.NewTenantAsync(null);
        var iss = tenant.Id.ToString();
        var exp = DateTime.UtcNow.AddMinutes(10);
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var rsKey = await tenant.Http.PostJsonAsync("/api/v1/admin/user-auth/keys", new { kind = "rs256", kid = "rs-1", publicKey = rsa.ExportSubjectPublicKeyInfoPem() });
        Assert.Equal(HttpStatusCode.Created, rsKey.StatusCode);
        var esKey = await tenant.Http.PostJsonAsync("/api/v1/admin/user-auth/keys", new { kind = "es256", publicKey = ec.ExportSubjectPublicKeyInfoPem() });
        Assert.Equal(HttpStatusCode.Created, esKey.StatusCode);
        var hs = await (await tenant.Http.PostJsonAsync("/api/v1/admin/user-auth/keys", new { kind = "hs256" })).JsonAsync();
        Assert.NotNull(hs["secret"]);

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(Sign(new RsaSecurityKey(rsa) { KeyId = "rs-1" }, "RS256", iss, "u1", exp))).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(Sign(new ECDsaSecurityKey(ec), "ES256", iss, "u1", exp))).Status);

        var list = await tenant.Http.GetStringAsync("/api/v1/admin/user-auth/keys");
        Assert.Equal(3, JsonNode.Parse(list)!.AsArray().Count);
        Assert.DoesNotContain(hs["secret"]!.GetValue<string>(), list);
        Assert.DoesNotContain("\"secret\":\"", list);

        var bad = await tenant.Http.PostJsonAsync("/api/v1/admin/user-auth/keys", new { kind = "rs256", publicKey = "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await bad.JsonAsync())["errors"]!["publicKey"]);

        var rsId = (await rsKey.JsonAsync())["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync($"/api/v1/admin/user-auth/keys/{rsId}")).StatusCode);
        var after = await CallAsync(Sign(new RsaSecurityKey(rsa) { KeyId = "rs-1" }, "RS256", iss, "u1", exp));
        Assert.Equal(HttpStatusCode.Unauthorized, after.Status);
        Assert.Contains("signature", after.Detail);

        var other = await service.NewTenantAsync(null);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.DeleteAsync($"/api/v1/admin/user-auth/keys/{hs["id"]!.GetValue<string>()}")).StatusCode);
    }

    [Fact]
    public async Task A_jwks_url_is_fetched_through_the_guard_and_refetched_for_an_unknown_kid()
    {
        var tenant = await service.NewTenantAsync(null);
        using var first = RSA.Create(2048);
        using var rotated = RSA.Create(2048);
        await using var jwks = await JwksServer.StartAsync();
        jwks.Publish(("k1", first));

        var registered = await tenant.Http.PostJsonAsync("/api/v1/admin/user-auth/keys", new { kind = "jwks", jwksUrl = jwks.Url });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var exp = DateTime.UtcNow.AddMinutes(10);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(Sign(new RsaSecurityKey(first) { KeyId = "k1" }, "RS256", tenant.Id.ToString(), "u", exp))).Status);

        jwks.Publish(("k1", first), ("k2", rotated));   // the tenant rotates: a token with the new kid makes the service look again
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(Sign(new RsaSecurityKey(rotated) { KeyId = "k2" }, "RS256", tenant.Id.ToString(), "u", exp))).Status);
        Assert.True(jwks.Requests >= 3, $"JWKS fetched {jwks.Requests} times");

        // An internal address the operator has not allowed is refused at save, naming the field.
        var internalUrl = await tenant.Http.PostJsonAsync("/api/v1/admin/user-auth/keys", new { kind = "jwks", jwksUrl = "http://127.0.0.2:9/jwks.json" });
        Assert.Equal(HttpStatusCode.BadRequest, internalUrl.StatusCode);
        Assert.NotNull((await internalUrl.JsonAsync())["errors"]!["jwksUrl"]);
    }

    [Fact]
    public async Task The_same_user_id_in_two_tenants_is_two_people()
    {
        var a = await service.NewTenantAsync(null);
        var b = await service.NewTenantAsync(null);
        var inA = await service.SendInAppAsync(a, "same-user", "for A");
        var userA = await service.UserClientAsync(a, "same-user");
        var userB = await service.UserClientAsync(b, "same-user");

        Assert.Equal([inA], await userA.ListIdsAsync());
        Assert.Empty(await userB.ListIdsAsync());
        Assert.Equal((0, 0, 0), await userB.CountsAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await userB.GetAsync($"{EndUsers.Inbox}/{inA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await userB.PostAsync($"{EndUsers.Inbox}/{inA}/read", null)).StatusCode);
        Assert.Equal((1, 1, 1), await userA.CountsAsync());
    }
}
