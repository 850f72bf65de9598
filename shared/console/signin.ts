/**
 * The local sign-in of the console (decision 1001): a person picks who they are (a customer user of a tenant, a
 * publisher, an operator) and gets the token `npm run -s token -- ...` would print for the same choice, from
 * `POST /api/local/token` (AUTH_MODE=local only). Names that are not GUIDs stand for the stable GUIDs the token
 * command derives from them, so a console user and a curl user with the same names are the same principal.
 */
import { z } from 'zod';
import { nameGuid, type TokenRequest } from '../auth/tokens';
import { MARKETPLACE_API_RESOURCE } from '../config';

/** The audience the token command gives customer and operator tokens. */
export const CONSOLE_AUDIENCE = 'api://marketplace-backend';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const name = z
  .string()
  .trim()
  .min(1, 'Enter a name or a GUID.')
  .max(64, 'At most 64 characters.')
  .regex(/^[A-Za-z0-9._@-]+$/, 'Use letters, digits, ".", "_", "@" or "-".');

export const signInSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('customer'),
    tenant: name,
    user: name,
    email: z.email('Enter an e-mail address such as ann@fabrikam.example.').max(254).optional(),
    roles: z.array(z.string().trim().min(1).max(64)).max(10).optional(),
  }),
  z.object({
    kind: z.literal('publisher'),
    publisherId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'A publisher id is 1-50 lowercase letters, digits, "-" or "_", starting with a letter or digit.'),
  }),
  z.object({ kind: z.literal('operator') }),
]);

export type SignIn = z.output<typeof signInSchema>;

/** A GUID as given (lower-cased), or the GUID the token command derives from a name. */
export function asGuid(kind: 'tenant' | 'user', value: string): string {
  return GUID.test(value) ? value.toLowerCase() : nameGuid(kind, value);
}

/** The token request and audience of a choice: exactly what local/token.ts mints for the same arguments. */
export function tokenRequestFor(choice: SignIn, operatorRole: string): { request: TokenRequest; audience: string } {
  switch (choice.kind) {
    case 'publisher':
      return {
        request: {
          kind: 'app',
          tenantId: nameGuid('publisher-tenant', choice.publisherId),
          appId: nameGuid('publisher-app', choice.publisherId),
          publisherId: choice.publisherId,
        },
        audience: MARKETPLACE_API_RESOURCE,
      };
    case 'customer':
      return {
        request: {
          kind: 'user',
          tenantId: asGuid('tenant', choice.tenant),
          userId: asGuid('user', choice.user),
          ...(GUID.test(choice.user) ? {} : { name: choice.user }),
          ...(choice.email ? { email: choice.email } : {}),
          ...(choice.roles && choice.roles.length > 0 ? { roles: choice.roles } : {}),
        },
        audience: CONSOLE_AUDIENCE,
      };
    case 'operator':
      return {
        request: {
          kind: 'app',
          tenantId: nameGuid('operator-tenant', 'operators'),
          appId: nameGuid('operator-app', 'operators'),
          roles: [operatorRole],
        },
        audience: CONSOLE_AUDIENCE,
      };
  }
}
