// An OpenID Connect provider for the live tests (tests/auth/test_provider_live.py): panva's
// oidc-provider, OpenID Certified, on loopback, issuing JWT access tokens for AUDIENCE to its
// CLIENTS by the client credentials grant, signed with the first of KEYS (private JWKs, ES256).
// With DOCS_REDIRECT_URI, a public client `docs` signs people in too, by the authorization code
// flow with PKCE, at the provider's development login page (any name, any password), as the docs
// page does. Each read of its key set is a line on its output, which the tests count.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const clients = JSON.parse(process.env.CLIENTS);

const provider = new Provider(process.env.ISSUER ?? `http://127.0.0.1:${port}`, {
  jwks: { keys: JSON.parse(process.env.KEYS) },
  clients: [
    ...clients.map(({ client_id, client_secret }) => ({
      client_id,
      client_secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      id_token_signed_response_alg: 'ES256',
    })),
    ...(process.env.DOCS_REDIRECT_URI ? [{
      client_id: 'docs',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [process.env.DOCS_REDIRECT_URI],
      id_token_signed_response_alg: 'ES256',
    }] : []),
  ],
  scopes: ['openid', 'api'],
  responseTypes: ['code'],
  features: {
    devInteractions: { enabled: Boolean(process.env.DOCS_REDIRECT_URI) },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => process.env.AUDIENCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => ({
        scope: 'api',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: Number(process.env.TOKEN_SECONDS),
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
  extraTokenClaims: (ctx, token) => {
    const client = clients.find(({ client_id }) => client_id === token.clientId);
    if (client) return { preferred_username: client.username, roles: client.roles };
    return { preferred_username: token.accountId, roles: [] };
  },
});
provider.use(async (ctx, next) => {
  if (ctx.path === '/jwks') console.log('key set read');
  await next();
});
provider.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
