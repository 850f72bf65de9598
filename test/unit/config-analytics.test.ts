/**
 * Decision 0907: ANALYTICS_LINK_MODE chooses how report download links are served, `route` (through the app) by
 * default; `sas` signs read-only links straight to Blob storage, and then a link cannot outlive a user delegation key.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../shared/config';

const base = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('ANALYTICS_LINK_MODE', () => {
  it('is route by default, with the link lifetime of ANALYTICS_LINK_TTL_MINUTES', () => {
    expect(parseConfig(base).analytics).toMatchObject({ linkMode: 'route', linkTtlMs: 3_600_000 });
  });

  it('takes sas, and route explicitly', () => {
    expect(parseConfig({ ...base, ANALYTICS_LINK_MODE: 'sas' }).analytics.linkMode).toBe('sas');
    expect(parseConfig({ ...base, ANALYTICS_LINK_MODE: 'route' }).analytics.linkMode).toBe('route');
  });

  it('refuses another value, naming the setting', () => {
    expect(() => parseConfig({ ...base, ANALYTICS_LINK_MODE: 'blob' })).toThrow(ConfigError);
    expect(() => parseConfig({ ...base, ANALYTICS_LINK_MODE: 'blob' })).toThrow(/ANALYTICS_LINK_MODE/);
  });

  it('in sas mode a link lives at most 10,020 minutes (a user delegation key lives 7 days; an hour for clock skew)', () => {
    expect(parseConfig({ ...base, ANALYTICS_LINK_MODE: 'sas', ANALYTICS_LINK_TTL_MINUTES: '10020' }).analytics.linkTtlMs).toBe(601_200_000);
    expect(() => parseConfig({ ...base, ANALYTICS_LINK_MODE: 'sas', ANALYTICS_LINK_TTL_MINUTES: '10021' })).toThrow(
      /ANALYTICS_LINK_TTL_MINUTES.*at most 10020 .*ANALYTICS_LINK_MODE is sas/,
    );
    // The route's links are checked by the app: up to the setting's own bound of 7 days.
    expect(parseConfig({ ...base, ANALYTICS_LINK_TTL_MINUTES: '10080' }).analytics.linkTtlMs).toBe(604_800_000);
  });
});
