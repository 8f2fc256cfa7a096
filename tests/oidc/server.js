// A real OpenID provider (panva/oidc-provider) for kmpilot's discovery tests, on 127.0.0.1.
//
//   node tests/oidc/server.js [port] [issuer] [routes]
//   (or PORT=, ISSUER=, ROUTES= in the environment; port 0 picks a free one)
//
// routes: "wso2"    — endpoints at the paths WSO2 Identity Server 7 uses (/oauth2/token,
//                     /oauth2/authorize, /oauth2/jwks, /oauth2/introspect, /oauth2/revoke,
//                     /oauth2/userinfo, /api/identity/oauth2/dcr/v1.1/register)
//         "default" — oidc-provider's own paths (/token, /auth, /jwks, ...)
//
// The discovery document is served at /.well-known/openid-configuration and also under the
// issuer's path (<issuer>/.well-known/openid-configuration), where WSO2 IS publishes it.
// Prints "listening <port>" on stdout once it accepts connections.

import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const issuerArg = process.argv[3] ?? process.env.ISSUER;
const routesMode = process.argv[4] ?? process.env.ROUTES ?? 'wso2';

const WSO2_ROUTES = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/token',
  jwks: '/oauth2/jwks',
  introspection: '/oauth2/introspect',
  revocation: '/oauth2/revoke',
  userinfo: '/oauth2/userinfo',
  registration: '/api/identity/oauth2/dcr/v1.1/register',
  end_session: '/oidc/logout',
};

function start(issuer, server) {
  const provider = new Provider(issuer, {
    routes: routesMode === 'wso2' ? WSO2_ROUTES : undefined,
    features: {
      introspection: { enabled: true },
      revocation: { enabled: true },
      registration: { enabled: true },
      devInteractions: { enabled: false },
    },
    clients: [
      {
        client_id: 'kmpilot-test',
        client_secret: 'kmpilot-test-secret',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
  });
  provider.proxy = true;
  const callback = provider.callback();
  const issuerPath = new URL(issuer).pathname.replace(/\/$/, '');
  const wellKnown = '/.well-known/openid-configuration';
  server.on('request', (req, res) => {
    // the document under the issuer's path (WSO2 IS's location); no originalUrl is set, so
    // the provider builds its endpoint URLs from the root
    if (issuerPath && req.url.split('?')[0] === issuerPath + wellKnown) {
      req.url = wellKnown;
    }
    callback(req, res);
  });
}

const server = http.createServer();
server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  const issuer = (issuerArg ?? 'http://127.0.0.1:{port}/oauth2/token').replace('{port}', String(actual));
  start(issuer, server);
  process.stdout.write(`listening ${actual}\n`);
});

// the test kills the process; also leave when stdin closes (the test process died)
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
