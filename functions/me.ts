/** `GET /api/me`: who the bearer token says the caller is, for checking a token end to end. */
import { app } from '@azure/functions';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler } from '../shared/http/lazy';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import type { Authenticator } from '../shared/auth/principal';

export function makeMeHandler(authenticator: () => Authenticator) {
  return endpoint(
    { surface: surfaces.public, allow: ['publisher', 'customer', 'operator'], authenticator },
    async (_request, { principal }) => ok({ principal }),
  );
}

app.http('me', {
  methods: ['GET'],
  route: 'api/me',
  authLevel: 'anonymous',
  handler: lazyHandler(() => {
    const s = services();
    return makeMeHandler(() => s.authenticator);
  }),
});
