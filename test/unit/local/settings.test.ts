/** LOCAL_HTTPS_PORT (local/settings.ts): a port, `0` for any free one, `off` (or `false`); unset is 7443, and only then may a busy port be skipped. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTPS_PORT, httpsListener, parseHostSettings } from '../../../local/settings';

const https = (value?: string) => httpsListener(parseHostSettings(value === undefined ? {} : { LOCAL_HTTPS_PORT: value }));

describe('LOCAL_HTTPS_PORT', () => {
  it('defaults to 7443, which a busy port may skip', () => {
    expect(DEFAULT_HTTPS_PORT).toBe(7443);
    expect(https()).toEqual({ port: 7443, explicit: false });
    expect(https('')).toEqual({ port: 7443, explicit: false });
  });

  it('takes a port, 0 for any free one, as asked for (a busy port is then an error)', () => {
    expect(https('8443')).toEqual({ port: 8443, explicit: true });
    expect(https('0')).toEqual({ port: 0, explicit: true });
  });

  it('turns HTTPS off with off or false', () => {
    expect(https('off')).toBeUndefined();
    expect(https('false')).toBeUndefined();
  });

  it('refuses anything else, naming the setting', () => {
    expect(() => https('yes')).toThrow(/LOCAL_HTTPS_PORT: must be a port \(0-65535, 0 = any free port\) or off/);
    expect(() => https('70000')).toThrow(/LOCAL_HTTPS_PORT/);
  });
});
