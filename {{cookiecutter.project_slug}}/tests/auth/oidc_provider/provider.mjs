// An OpenID Connect provider for the live tests (tests/auth/test_provider_live.py): panva's
// oidc-provider, OpenID Certified, on loopback, issuing JWT access tokens for AUDIENCE to its
// CLIENTS by the client credentials grant, signed with the first of KEYS (private JWKs, ES256).
// Each read of its key set is a line on its output, which the tests count.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const clients = JSON.parse(process.env.CLIENTS);

const provider = new Provider(process.env.ISSUER ?? `http://127.0.0.1:${port}`, {
  jwks: { keys: JSON.parse(process.env.KEYS) },
  clients: clients.map(({ client_id, client_secret }) => ({
    client_id,
    client_secret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    id_token_signed_response_alg: 'ES256',
  })),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => process.env.AUDIENCE,
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
    return { preferred_username: client.username, roles: client.roles };
  },
});
provider.use(async (ctx, next) => {
  if (ctx.path === '/jwks') console.log('key set read');
  await next();
});
provider.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
