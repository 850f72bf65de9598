import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../../shared/errors';
import { DEFAULT_DYNAMICS_HOST_SUFFIXES } from '../../../../shared/leads/rules/destinations';
import { ValidateDestination, ValidateRateLimit, type ValidateDeps } from '../../../../shared/leads/service/validate';
import { FakeClock, FakeOffers, leadOffer, ScriptedTarget, targetsWith } from '../../../fixtures/leads-fakes';
import type { AttemptOutcome } from '../../../../shared/leads/model';

const FLOW = 'https://prod-04.westcentralus.logic.azure.com/workflows/abc/invoke?api-version=2016-06-01&sig=TopSecretSig123';
const httpsSettings = { contactEmail: 'ops@contoso.com', httpsEndpointUri: FLOW };

function setup(
  script: (AttemptOutcome | Error)[],
  destination = { type: 'HttpsEndpoint' as const, settings: httpsSettings as Record<string, unknown> },
) {
  const offers = new FakeOffers();
  offers.set(leadOffer('contoso', 'contoso-app', destination));
  const target = new ScriptedTarget(script);
  const clock = new FakeClock('2025-01-01T12:00:00.123Z');
  let tick = 1000;
  const deps: ValidateDeps = {
    offers,
    targets: targetsWith(target),
    clock,
    random: (n) => new Uint8Array(n).fill(7),
    rules: { allowDevStorage: false, allowLoopbackTargets: false, dynamicsHostSuffixes: DEFAULT_DYNAMICS_HOST_SUFFIXES },
    elapsed: () => (tick += 42),
  };
  return { offers, target, clock, validate: new ValidateDestination(deps) };
}
const publisher = { kind: 'publisher' as const, publisherId: 'contoso' };

describe('ValidateDestination', () => {
  it('sends one test lead through the adapter with a 60 s cap and reports ok with its id and latency', async () => {
    const { target, validate } = setup([{ outcome: 'success', category: 'delivered', httpStatus: 202 }]);
    const answer = await validate.validate(publisher, 'contoso', 'contoso-app');
    expect(answer).toEqual({
      kind: 'answered',
      result: { ok: true, destination: 'HttpsEndpoint', testLeadId: expect.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/), latencyMs: 42 },
    });
    expect(target.calls).toHaveLength(1);
    expect(target.calls[0]).toMatchObject({ timeoutMs: 60_000, config: { type: 'HttpsEndpoint', httpsEndpointUri: FLOW } });
    expect(answer.kind === 'answered' && answer.result.ok ? answer.result.testLeadId : '').toBe(target.calls[0]?.leadId);
  });

  it('the test lead is marked MSFT_TEST_ with 18-digit ticks and isTest', async () => {
    const offers = new FakeOffers();
    offers.set(leadOffer('contoso', 'contoso-app', { type: 'HttpsEndpoint', settings: httpsSettings }));
    const seen: unknown[] = [];
    const deps: ValidateDeps = {
      offers,
      targets: targetsWith({ deliver: async (lead) => (seen.push(lead), { outcome: 'success', category: 'delivered' }) }),
      clock: new FakeClock('2025-01-01T12:00:00.123Z'),
      random: (n) => new Uint8Array(n),
      rules: { allowDevStorage: false, allowLoopbackTargets: false, dynamicsHostSuffixes: [] },
      elapsed: () => 0,
    };
    await new ValidateDestination(deps).validate(publisher, 'contoso', 'contoso-app');
    expect(seen[0]).toMatchObject({
      isTest: true,
      offerTitle: 'Contoso App',
      leadSource: 'AzureMarketplace-INS|contoso.contoso-app',
      userDetails: {
        FirstName: 'MSFT_TEST_638713296001230000',
        LastName: 'MSFT_TEST_638713296001230000',
        Email: 'MSFT_TEST_638713296001230000@test.com',
      },
    });
  });

  it('a failing target is reported once, not retried, with the category, status and a scrubbed message', async () => {
    const { target, validate } = setup([{ outcome: 'retryable', category: 'http_503', httpStatus: 503, excerpt: `upstream ${FLOW} busy` }]);
    const answer = await validate.validate(publisher, 'contoso', 'contoso-app');
    expect(answer).toEqual({
      kind: 'answered',
      result: {
        ok: false,
        error: { category: 'http_503', httpStatus: 503, message: 'The destination answered HTTP 503. upstream *** busy' },
      },
    });
    expect(target.calls).toHaveLength(1);
    expect(JSON.stringify(answer)).not.toContain('TopSecretSig123');
  });

  it.each([
    [{ outcome: 'permanent', category: 'auth_failed', httpStatus: 403 }, 'The destination refused the credentials.'],
    [
      { outcome: 'permanent', category: 'ssrf_blocked', excerpt: 'the host x resolves to a private or reserved address' },
      'The destination address is not allowed (a private, loopback or link-local address). the host x resolves to a private or reserved address',
    ],
    [{ outcome: 'retryable', category: 'timeout' }, 'The destination did not answer in time.'],
    [{ outcome: 'retryable', category: 'weird' }, 'The test lead failed (weird).'],
  ] as [AttemptOutcome, string][])('explains %j', async (outcome, message) => {
    const { validate } = setup([outcome]);
    const answer = await validate.validate(publisher, 'contoso', 'contoso-app');
    expect(answer.kind === 'answered' && !answer.result.ok ? answer.result.error.message : '').toBe(message);
  });

  it('an adapter that throws is a failed answer, scrubbed, never a 500', async () => {
    const { validate } = setup([new Error(`socket hang up at ${FLOW}`)]);
    expect(await validate.validate(publisher, 'contoso', 'contoso-app')).toEqual({
      kind: 'answered',
      result: { ok: false, error: { category: 'target_error', message: 'The test lead failed (target_error). socket hang up at ***' } },
    });
  });

  it('settings that do not parse are a 400 naming the field, and nothing is sent', async () => {
    const { target, validate } = setup([], {
      type: 'HttpsEndpoint',
      settings: { contactEmail: 'ops@contoso.com', httpsEndpointUri: 'http://hooks.contoso.com/x' },
    });
    const error = await validate.validate(publisher, 'contoso', 'contoso-app').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'invalid_destination',
      violations: [{ path: 'microsoft-azure-marketplace.httpsEndpointLeadConfiguration.httpsEndpointUri', code: 'https_required' }],
    });
    expect(target.calls).toHaveLength(0);
  });

  it('a Blob destination is destination_deprecated, None is no_destination', async () => {
    const blob = setup([], { type: 'AzureBlob' as never, settings: { containerName: 'leads' } });
    await expect(blob.validate.validate(publisher, 'contoso', 'contoso-app')).rejects.toMatchObject({
      code: 'destination_deprecated',
      violations: [{ code: 'destination_deprecated' }],
    });
    const none = setup([], { type: 'None' as never, settings: {} });
    await expect(none.validate.validate(publisher, 'contoso', 'contoso-app')).rejects.toMatchObject({ code: 'no_destination' });
  });

  it('another publisher is forbidden, an unknown offer not found; operators may validate any offer', async () => {
    const { validate } = setup([{ outcome: 'success', category: 'delivered' }]);
    await expect(validate.validate({ kind: 'publisher', publisherId: 'fabrikam' }, 'contoso', 'contoso-app')).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(validate.validate(publisher, 'contoso', 'nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(await validate.validate({ kind: 'operator' }, 'contoso', 'contoso-app')).toMatchObject({ result: { ok: true } });
  });

  it('the 6th Validate of an offer within a minute is rate-limited and sends nothing; a minute later it is allowed', async () => {
    const { target, validate, clock } = setup([{ outcome: 'success', category: 'delivered' }]);
    for (let i = 0; i < 5; i++) {
      expect((await validate.validate(publisher, 'contoso', 'contoso-app')).kind).toBe('answered');
      clock.advance(10_000);
    }
    expect(await validate.validate(publisher, 'contoso', 'contoso-app')).toEqual({ kind: 'rate-limited', retryAfterSeconds: 10 });
    expect(target.calls).toHaveLength(5);
    clock.advance(10_000);
    expect((await validate.validate(publisher, 'contoso', 'contoso-app')).kind).toBe('answered');
  });
});

describe('ValidateRateLimit', () => {
  it('allows limit calls per window per key and says when the next is allowed', () => {
    const limit = new ValidateRateLimit(2, 1000);
    expect(limit.take('a', 0)).toBeUndefined();
    expect(limit.take('a', 100)).toBeUndefined();
    expect(limit.take('b', 100)).toBeUndefined();
    expect(limit.take('a', 200)).toBe(1);
    expect(limit.take('a', 999)).toBe(1);
    expect(limit.take('a', 1000)).toBeUndefined();
    expect(limit.take('a', 1050)).toBe(1);
  });

  it('rounds the wait up to whole seconds', () => {
    const limit = new ValidateRateLimit(1, 60_000);
    expect(limit.take('k', 0)).toBeUndefined();
    expect(limit.take('k', 1)).toBe(60);
    expect(limit.take('k', 58_500)).toBe(2);
  });
});
