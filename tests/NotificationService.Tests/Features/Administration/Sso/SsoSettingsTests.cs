using System.Net;
using System.Net.Http.Json;
using NotificationService.Tests.Support;
using NotificationService.Tests.Support.Oidc;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.Administration.Sso;

/// <summary>
/// `GET/PUT /api/v1/admin/sso`: the tenant's OpenID Connect provider. The client secret is written and never read back
/// (nor audited); the issuer's discovery document is read through the outbound guard before anything is stored; bad
/// input is a 400 naming the field and writes nothing; a tenant sees only its own configuration.
/// </summary>
[Collection("sso")]
public class SsoSettingsTests(SsoFixture sso)
{
    private const string Sso = "/api/v1/admin/sso";

    private object Valid() => new
    {
        issuer = sso.Provider!.Issuer, clientId = OidcProvider.ClientId, clientSecret = OidcProvider.ClientSecret,
        allowedDomains = new[] { "Acme.test", "@acme.test", "corp.acme.test" }, defaultRole = "viewer", required = true,
    };

    private Task<long> RowsAsync(Guid tenantId) => sso.ScalarAsync<long>("select count(*) from tenant_sso where tenant_id = $1", tenantId);

    [OidcFact]
    public async Task The_configuration_is_shown_without_its_secret_with_the_redirect_uri_to_register()
    {
        var tenant = await sso.NewTenantAsync(null);
        var put = await ExpectAsync(await tenant.Http.PutAsJsonAsync(Sso, Valid()), 200);
        var got = await tenant.Http.GetJsonAsync(Sso);
        Assert.Equal(put.ToJsonString(), got.ToJsonString());
        Assert.Equal(sso.Provider!.Issuer, (string?)got["issuer"]);
        Assert.Equal(["acme.test", "corp.acme.test"], got["allowedDomains"]!.AsArray().Select(d => (string)d!));
        Assert.Equal(("viewer", true, true), ((string?)got["defaultRole"], (bool)got["required"]!, (bool)got["clientSecretSet"]!));
        Assert.Equal("http://localhost/admin/sso/callback", (string?)got["redirectUri"]);
        Assert.Null(got["clientSecret"]);
        Assert.DoesNotContain(OidcProvider.ClientSecret, put.ToJsonString() + got.ToJsonString());
    }

    [OidcFact]
    public async Task A_change_without_a_secret_keeps_the_stored_one_and_the_audit_names_the_change_without_it()
    {
        var tenant = await sso.NewTenantAsync(null);
        await ExpectAsync(await tenant.Http.PutAsJsonAsync(Sso, Valid()), 200);
        var sealedBefore = await sso.ScalarAsync<byte[]>("select client_secret from tenant_sso where tenant_id = $1", tenant.Id);
        var changed = await ExpectAsync(await tenant.Http.PutAsJsonAsync(Sso, new
        {
            issuer = sso.Provider!.Issuer, clientId = OidcProvider.ClientId, allowedDomains = Array.Empty<string>(), required = false,
        }), 200);
        Assert.Equal((true, false), ((bool)changed["clientSecretSet"]!, (bool)changed["required"]!));
        Assert.Equal(sealedBefore, await sso.ScalarAsync<byte[]>("select client_secret from tenant_sso where tenant_id = $1", tenant.Id));

        var audit = await tenant.Http.GetStringAsync("/api/v1/admin/audit");
        Assert.Contains("sso.replace", audit);
        Assert.DoesNotContain(OidcProvider.ClientSecret, audit);
        Assert.Equal(2, await sso.ScalarAsync<long>("select count(*) from audit_log where tenant_id = $1 and action = 'sso.replace'", tenant.Id));
    }

    [OidcFact]
    public async Task Bad_fields_are_400s_naming_the_field_and_write_nothing()
    {
        var tenant = await sso.NewTenantAsync(null);
        var issuer = sso.Provider!.Issuer;
        (object Body, string Field)[] cases =
        [
            (new { clientId = "c", clientSecret = "s" }, "issuer"),
            (new { issuer = "ftp://idp.example.com", clientId = "c", clientSecret = "s" }, "issuer"),
            (new { issuer = "http://idp.example.com", clientId = "c", clientSecret = "s" }, "issuer"),   // plain http off loopback
            (new { issuer = "https://idp.example.com?tenant=1", clientId = "c", clientSecret = "s" }, "issuer"),
            (new { issuer, clientSecret = "s" }, "clientId"),
            (new { issuer, clientId = "c" }, "clientSecret"),                                          // none stored yet to keep
            (new { issuer, clientId = "c", clientSecret = "" }, "clientSecret"),
            (new { issuer, clientId = "c", clientSecret = "s", allowedDomains = new[] { "acme.test", "*.acme.test" } }, "allowedDomains[1]"),
            (new { issuer, clientId = "c", clientSecret = "s", defaultRole = "owner" }, "defaultRole"),
            (new { issuer = issuer + "/elsewhere", clientId = "c", clientSecret = "s" }, "issuer"),       // no discovery document there
        ];
        foreach (var (body, field) in cases)
        {
            var problem = await ExpectAsync(await tenant.Http.PutAsJsonAsync(Sso, body), 400);
            Assert.True(problem.ErrorKeys().Contains(field), $"{System.Text.Json.JsonSerializer.Serialize(body)}: {problem.ToJsonString()}");
        }
        Assert.Equal(0, await RowsAsync(tenant.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync(Sso)).StatusCode);
    }

    [OidcFact]
    public async Task An_issuer_the_outbound_guard_refuses_is_a_400_and_nothing_is_fetched_or_stored()
    {
        var tenant = await sso.NewTenantAsync(null);
        foreach (var issuer in new[] { "https://10.1.2.3", "https://localhost:8443", "https://[::ffff:169.254.169.254]" })
        {
            var problem = await ExpectAsync(await tenant.Http.PutAsJsonAsync(Sso, new { issuer, clientId = "c", clientSecret = "s" }), 400);
            Assert.Contains("not an allowed destination", problem["errors"]!["issuer"]![0]!.ToString());
        }
        Assert.Equal(0, await RowsAsync(tenant.Id));
    }

    [OidcFact]
    public async Task Another_tenant_sees_no_configuration_and_cannot_sign_in_through_it()
    {
        var owner = await sso.TenantWithSsoAsync(allowedDomains: ["acme.test"]);
        var other = await sso.NewTenantAsync(null);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync(Sso)).StatusCode);
        var page = await sso.Browser().GetAsync($"/admin/sso/start?tenant={other.Id}");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(1, await RowsAsync(owner.Id));
    }
}
