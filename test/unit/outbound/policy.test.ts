/** The outbound client's address policy and redaction (architecture.md, Identity and security). */
import { describe, expect, it } from 'vitest';
import { redact } from '../../../shared/outbound/client';
import { checkDestination, classifyAddress } from '../../../shared/outbound/policy';

describe('address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'blocked'],
    ['172.16.0.1', 'blocked'],
    ['192.168.1.1', 'blocked'],
    ['169.254.169.254', 'blocked'],
    ['100.64.0.1', 'blocked'],
    ['0.0.0.0', 'blocked'],
    ['fe80::1', 'blocked'],
    ['fd00::1', 'blocked'],
    ['::ffff:10.0.0.1', 'blocked'],
    ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
  ] as const)('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  const policy = { timeoutMs: 1000, allowLoopback: false, allowedHosts: [] as string[] };

  it.each([
    ['http://169.254.169.254/latest/meta-data', policy, /private or reserved/],
    ['https://10.0.0.5/hook', policy, /private or reserved/],
    ['http://127.0.0.1:8080/hook', policy, /OUTBOUND_ALLOW_LOOPBACK/],
    ['http://8.8.8.8/hook', policy, /only https/],
    ['ftp://8.8.8.8/hook', policy, /only https/],
  ])('refuses %s', async (url, p, reason) => {
    expect(await checkDestination(new URL(url), p)).toMatch(reason);
  });

  it.each([
    ['https://8.8.8.8/hook', policy],
    ['http://127.0.0.1:8080/hook', { ...policy, allowLoopback: true }],
    ['http://10.0.0.5/hook', { ...policy, allowedHosts: ['10.0.0.5'] }],
  ])('allows %s', async (url, p) => {
    expect(await checkDestination(new URL(url), p)).toBeUndefined();
  });
});

describe('attempt log hygiene', () => {
  it('masks tokens and secrets in response excerpts', () => {
    const text = redact('{"token":"abc123","sig":"zzz"} Authorization: Bearer eyJa.eyJb.sig password=hunter2');
    expect(text).not.toMatch(/abc123|zzz|hunter2|eyJa/);
  });
});
