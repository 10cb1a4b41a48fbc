using System.Security.Claims;
using NotificationService.Contracts;

namespace NotificationService.Features.Tenancy.Auth;

public enum Credential { ApiKey, EndUserToken, None, Platform }

/// <summary>
/// What a caller must hold to call an operation: an API key with one of <see cref="AnyOf"/>'s scope sets (every scope
/// of the set; admin stands for every scope), an end user's token, or nothing (a provider signs its callbacks).
/// </summary>
public sealed record Access(Credential Credential, string[][] AnyOf)
{
    public static Access Scope(string scope) => new(Credential.ApiKey, [[scope]]);
    /// <summary>Any one of the scopes: e.g. a fan-out is read by the scope that reads sends or by the one that made it.</summary>
    public static Access EitherOf(params string[] scopes) => new(Credential.ApiKey, scopes.Select(s => new[] { s }).ToArray());
    /// <summary>Every one of the scopes: e.g. cancelling runs by query both selects runs (read) and stops them (send).</summary>
    public static Access AllOf(params string[] scopes) => new(Credential.ApiKey, [scopes]);
    public static readonly Access EndUser = new(Credential.EndUserToken, []);
    public static readonly Access Public = new(Credential.None, []);
    /// <summary>The operator's platform key (`/api/v1/platform/*`): no tenant credential reaches these.</summary>
    public static readonly Access Platform = new(Credential.Platform, []);
    public const string PlatformPolicy = "platform";

    /// <summary>The authorization policy's name: the scope itself for one scope (`admin`), else the rule spelled out.</summary>
    public string Policy => Credential switch
    {
        Credential.EndUserToken => Contracts.EndUser.Policy,
        Credential.None => "public",
        Credential.Platform => PlatformPolicy,
        _ => AnyOf is [[var only]] ? only : string.Join(" or ", AnyOf.Select(set => string.Join(" and ", set))),
    };

    /// <summary>Whether a key holding <paramref name="scopes"/> may call the operation.</summary>
    public bool Admits(IReadOnlyCollection<string> scopes) =>
        Credential == Credential.ApiKey && AnyOf.Any(set => set.All(s => ScopeTable.Covers(scopes, s)));

    public bool Admits(ClaimsPrincipal user) => AnyOf.Any(set => set.All(user.HasScope));

    public override string ToString() => Credential switch
    {
        Credential.EndUserToken => "end-user token",
        Credential.None => "none",
        Credential.Platform => "platform key",
        _ => Policy,
    };
}
