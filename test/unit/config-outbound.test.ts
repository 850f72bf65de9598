/**
 * Decision 0006: loopback targets by default under AUTH_MODE=local, https only and no loopback by default outside
 * it; an explicit OUTBOUND_ALLOW_LOOPBACK wins; the start-up line says which applies; offers' webhook URLs must be
 * https outside local mode.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config';
import { offerTypes } from '../../shared/catalog/model/offer-types';
import { httpsWebhookViolations } from '../../shared/catalog/rules/webhook-urls';
import { checkDestination, describeOutboundPolicy } from '../../shared/outbound/policy';

const base = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };
const entra = { ...base, AUTH_MODE: 'entra', SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') };

describe('OUTBOUND_ALLOW_LOOPBACK defaults', () => {
  it.each([
    ['local mode, unset', base, { allowLoopback: true, allowLoopbackSource: 'default', httpsOnly: false }],
    [
      'local mode, explicit false',
      { ...base, OUTBOUND_ALLOW_LOOPBACK: 'false' },
      { allowLoopback: false, allowLoopbackSource: 'setting', httpsOnly: false },
    ],
    [
      'local mode, empty (unset)',
      { ...base, OUTBOUND_ALLOW_LOOPBACK: '' },
      { allowLoopback: true, allowLoopbackSource: 'default', httpsOnly: false },
    ],
    ['entra mode, unset', entra, { allowLoopback: false, allowLoopbackSource: 'default', httpsOnly: true }],
    [
      'entra mode, explicit true',
      { ...entra, OUTBOUND_ALLOW_LOOPBACK: 'true' },
      { allowLoopback: true, allowLoopbackSource: 'setting', httpsOnly: true },
    ],
  ])('%s', (_case, env, expected) => {
    expect(parseConfig(env).outbound).toMatchObject(expected);
  });

  it('says at start-up which rule applies', () => {
    expect(describeOutboundPolicy(parseConfig(base).outbound)).toBe(
      'webhooks to localhost allowed, http too (local mode; OUTBOUND_ALLOW_LOOPBACK=false refuses); private addresses refused',
    );
    expect(describeOutboundPolicy(parseConfig({ ...base, OUTBOUND_ALLOW_LOOPBACK: 'no' }).outbound)).toBe(
      'loopback refused (OUTBOUND_ALLOW_LOOPBACK=false); private addresses refused',
    );
    expect(describeOutboundPolicy(parseConfig({ ...entra, OUTBOUND_ALLOWED_HOSTS: 'hooks.internal' }).outbound)).toBe(
      'https only; loopback refused; private addresses refused except hooks.internal',
    );
  });
});

describe('https only outside local mode', () => {
  const local = parseConfig(base).outbound;
  const strict = parseConfig({ ...entra, OUTBOUND_ALLOW_LOOPBACK: 'true', OUTBOUND_ALLOWED_HOSTS: '10.0.0.5' }).outbound;

  it('local mode calls http on loopback without any setting', async () => {
    expect(await checkDestination(new URL('http://127.0.0.1:8080/hook'), local)).toBeUndefined();
    expect(await checkDestination(new URL('http://8.8.8.8/hook'), local)).toMatch(/only https/);
  });

  it.each(['http://127.0.0.1:8080/hook', 'http://10.0.0.5/hook', 'http://8.8.8.8/hook'])(
    'refuses %s even when loopback and the host are allowed',
    async (url) => {
      expect(await checkDestination(new URL(url), strict)).toBe('only https URLs are called outside local mode (got http:)');
    },
  );

  it('calls https on an allowed loopback', async () => {
    expect(await checkDestination(new URL('https://127.0.0.1:8443/hook'), strict)).toBeUndefined();
  });
});

describe('webhook URLs of an offer definition', () => {
  const saas = offerTypes['microsoft-saas'];
  const definition = (url: string) => ({ displayText: 'x', offer: { 'microsoft-saas.connectionWebhook': url }, plans: [] });

  it.each(['http://localhost:7072/webhook', 'HTTP://isv.example/webhook', ' http://isv.example/webhook'])('refuses %j', (url) => {
    expect(httpsWebhookViolations(saas, definition(url))).toEqual([
      {
        path: '$.definition.offer["microsoft-saas.connectionWebhook"]',
        code: 'HttpsRequired',
        message: expect.stringMatching(/https URL/),
      },
    ]);
  });

  it.each(['https://isv.example/webhook', ''])('accepts %j', (url) => {
    expect(httpsWebhookViolations(saas, definition(url))).toEqual([]);
  });
});
