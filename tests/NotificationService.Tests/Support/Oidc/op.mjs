// A real OpenID Provider for the single sign-on specs: the certified `oidc-provider` package (npm, installed into
// .tools/ by `bash scripts/install-test-tools.sh oidc-provider`), on a free loopback port. Started by OidcProviderFixture.
//
// Configuration comes as JSON in OP_CONFIG: { tools, clients: [{ client_id, client_secret, redirect_uris }],
// users: [{ login, email, verified }] }. It prints `listening <issuer>` on stdout once it answers.
//
// The sign-in page (`/interaction/:uid`) is a plain form: login, no password (the specs are about the relying party).
// Consent is granted without asking. PKCE is required of every client, so a relying party that skips it is refused.
//
// One knob for the negative specs, POST /__test/next-id-token with JSON { aud?, expiresIn? }: the next ID token the
// token endpoint returns is re-signed with the provider's own key after those claims are changed (a wrong audience,
// an expiry in the past), so only the claim is wrong, never the signature.
import http from 'node:http';
import crypto from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(process.env.OP_CONFIG ?? '{}');
const { default: Provider } = await import(pathToFileURL(path.join(config.tools, 'node_modules', 'oidc-provider', 'lib', 'index.js')).href);

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };
const users = new Map((config.users ?? []).map(u => [u.login, u]));
let nextIdToken = null;

const server = http.createServer();
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: (config.clients ?? []).map(c => ({
    grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post', ...c,
  })),
  jwks: { keys: [jwk] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  conformIdTokenClaims: false,                     // email and email_verified in the ID token, where the relying party reads them
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: (ctx, id) => users.has(id) ? {
    accountId: id,
    claims: () => ({ sub: id, email: users.get(id).email, email_verified: users.get(id).verified === true }),
  } : undefined,
});

// oidc-provider takes a client's secret in the form or in the Authorization header, whichever the client registered;
// Okta and Auth0 hold a client to the method it registered, and so does this provider: a client that presents its secret
// the other way is refused as the client (401 invalid_client), before its code is read. The body read here is handed on
// (oidc-provider reads an upstream parser's `req.body`).
provider.use(async (ctx, next) => {
  if (ctx.path === '/token' && ctx.method === 'POST') {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString();
    ctx.req.body = raw;
    const header = ctx.get('authorization');
    const basic = /^Basic /i.test(header);
    const clientId = basic
      ? decodeURIComponent(Buffer.from(header.slice(6), 'base64').toString().split(':')[0])
      : new URLSearchParams(raw).get('client_id');
    const registered = (config.clients ?? []).find(c => c.client_id === clientId)?.token_endpoint_auth_method;
    if (registered && registered !== (basic ? 'client_secret_basic' : 'client_secret_post')) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: `registered for ${registered}` };
      return;
    }
  }
  await next();
});

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && nextIdToken && ctx.body?.id_token) {
    ctx.body = { ...ctx.body, id_token: resign(ctx.body.id_token, nextIdToken) };
    nextIdToken = null;
  }
});

const page = (body) => `<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body>${body}</body></html>`;
const escape = (s) => String(s).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
  if (req.method === 'POST') {
    const login = new URLSearchParams(await readBody(req)).get('login') ?? '';
    if (users.has(login)) return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    return send(res, 200, page(`<p role="alert">Unknown user ${escape(login)}.</p>${form(uid)}`));
  }
  return send(res, 200, page(form(uid)));
}

const form = (uid) => `<h1>Sign in to the test provider</h1><form method="post" action="/interaction/${escape(uid)}">
<label for="login">Login</label><input id="login" name="login" autocomplete="off"><button type="submit">Continue</button></form>`;

function resign(token, change) {
  const [, payload] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  if (change.aud !== undefined) claims.aud = change.aud;
  if (change.expiresIn !== undefined) { claims.exp = Math.floor(Date.now() / 1000) + change.expiresIn; claims.iat = Math.min(claims.iat, claims.exp - 60); }
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: jwk.kid })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = crypto.sign('sha256', Buffer.from(`${header}.${body}`), privateKey).toString('base64url');
  return `${header}.${body}.${signature}`;
}

const readBody = (req) => new Promise((resolve, reject) => {
  let data = '';
  req.on('data', chunk => { data += chunk; if (data.length > 65536) req.destroy(); });
  req.on('end', () => resolve(data));
  req.on('error', reject);
});

const send = (res, status, html) => { res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }); res.end(html); };

const callback = provider.callback();
server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const match = url.pathname.match(/^\/interaction\/([^/]+)$/);
    if (match) return await interaction(req, res, match[1]);
    if (url.pathname === '/__test/next-id-token' && req.method === 'POST') {
      nextIdToken = JSON.parse(await readBody(req));
      res.writeHead(204); return res.end();
    }
    return callback(req, res);
  } catch (e) {
    send(res, 500, page(`<p role="alert">${escape(e.message)}</p>`));
  }
});

process.stdout.write(`listening ${issuer}\n`);
process.stdin.on('end', () => process.exit(0));   // the fixture closes stdin (or dies): the provider goes with it
process.stdin.resume();
