/**
 * Artifact references in definitions: stored as `artifact:<sha256>`, shown on GET as this service's download URL
 * (as CPP shows its own storage URLs [L23416]), and turned back into references when a GET body is PUT again.
 */
import { describe, expect, it } from 'vitest';
import type { OfferDefinition } from '../../../../shared/catalog/model/offer';
import {
  artifactDownloadPath,
  artifactReferences,
  artifactRefs,
  resolveRefs,
  unresolveUrls,
} from '../../../../shared/catalog/rules/artifact-refs';

const A = 'a'.repeat(64);
const B = '0123456789abcdef'.repeat(4);
const BASE = 'https://marketplace.contoso.test';
const url = (id: string, offerId = 'contoso-app', host = BASE) =>
  `${host}/api/publishers/contoso/offers/${offerId}/artifacts/${id}/content?api-version=2017-10-31`;

const definition: OfferDefinition = {
  displayText: 'contoso-app',
  offer: {
    'microsoft-azure-marketplace.title': 'Contoso App',
    'microsoft-azure-marketplace.smallLogo': `artifact:${A}`,
    'microsoft-azure-marketplace.screenshots': [{ name: 'home', uri: `artifact:${B}` }, { name: 'again', uri: `artifact:${A}` }],
    'microsoft-azure-marketplace.count': 3,
    'microsoft-azure-marketplace.flag': true,
    'microsoft-azure-marketplace.none': null,
  },
  plans: [{ planId: 'gold', 'microsoft-azure-applications.package': { file: `artifact:${B}`, version: '1.0.0' } }],
};

describe('references in a definition', () => {
  it('are found with the field each one sits in', () => {
    expect(artifactReferences(definition)).toEqual([
      { id: A, path: ['definition', 'offer', 'microsoft-azure-marketplace.smallLogo'] },
      { id: B, path: ['definition', 'offer', 'microsoft-azure-marketplace.screenshots', 0, 'uri'] },
      { id: A, path: ['definition', 'offer', 'microsoft-azure-marketplace.screenshots', 1, 'uri'] },
      { id: B, path: ['definition', 'plans', 0, 'microsoft-azure-applications.package', 'file'] },
    ]);
  });

  it('list each artifact once, sorted', () => {
    expect(artifactRefs(definition)).toEqual([B, A]);
  });

  it.each([
    ['a text that only mentions one', `see artifact:${A}`],
    ['a reference with a short id', `artifact:${'a'.repeat(63)}`],
    ['a reference with a long id', `artifact:${'a'.repeat(65)}`],
    ['a reference with upper-case hex', `artifact:${'A'.repeat(64)}`],
    ['a reference with trailing text', `artifact:${A}.png`],
    ['an id without the prefix', A],
  ])('do not include %s', (_case, value) => {
    expect(artifactRefs({ displayText: 'x', offer: { field: value }, plans: [] })).toEqual([]);
  });
});

describe('GET shows references as download URLs', () => {
  const shown = resolveRefs(definition, 'contoso', 'contoso-app', BASE, '2017-10-31');

  it('under the base URL, with the API version', () => {
    expect(shown.offer['microsoft-azure-marketplace.smallLogo']).toBe(url(A));
    expect(shown.offer['microsoft-azure-marketplace.screenshots']).toEqual([
      { name: 'home', uri: url(B) },
      { name: 'again', uri: url(A) },
    ]);
    expect(shown.plans[0]).toEqual({ planId: 'gold', 'microsoft-azure-applications.package': { file: url(B), version: '1.0.0' } });
  });

  it('and leaves every other value as it is', () => {
    expect(shown.displayText).toBe('contoso-app');
    expect(shown.offer).toMatchObject({
      'microsoft-azure-marketplace.title': 'Contoso App',
      'microsoft-azure-marketplace.count': 3,
      'microsoft-azure-marketplace.flag': true,
      'microsoft-azure-marketplace.none': null,
    });
    expect(definition.offer['microsoft-azure-marketplace.smallLogo']).toBe(`artifact:${A}`);
  });

  it('keeps a plan id that looks like a reference as the plan id', () => {
    const odd = resolveRefs({ displayText: 'x', offer: {}, plans: [{ planId: `artifact:${A}` }] }, 'contoso', 'o', BASE, 'v');
    expect(odd.plans[0]?.planId).toBe(`artifact:${A}`);
  });

  it('the download path names the publisher, offer and artifact', () => {
    expect(artifactDownloadPath('contoso', 'contoso-app', A)).toBe(`/api/publishers/contoso/offers/contoso-app/artifacts/${A}/content`);
  });
});

describe('PUT of a GET body turns download URLs back into references', () => {
  it('round-trips a definition', () => {
    const shown = resolveRefs(definition, 'contoso', 'contoso-app', BASE, '2017-10-31');
    expect(unresolveUrls(shown.offer, 'contoso', 'contoso-app')).toEqual(definition.offer);
  });

  it.each([
    ['over http on another host', url(A, 'contoso-app', 'http://localhost:7071')],
    ['without a query', url(A).replace(/\?.*$/, '')],
    ['with another API version', url(A).replace('2017-10-31', '2022-01-01')],
  ])('accepts the URL %s', (_case, value) => {
    expect(unresolveUrls({ logo: value }, 'contoso', 'contoso-app')).toEqual({ logo: `artifact:${A}` });
  });

  it.each([
    ["of another offer's artifact", url(A, 'other-offer')],
    ['of an offer whose id only starts the same', url(A, 'contoso-app-2')],
    ['with a fragment', `${url(A)}#top`],
    ['with a path before the API', url(A).replace(BASE, `${BASE}/proxy`)],
    ['with a short artifact id', url('a'.repeat(63))],
    ['with upper-case hex', url('A'.repeat(64))],
    ['of another scheme', url(A).replace('https:', 'ftp:')],
    ['without a host', url(A).replace(BASE, 'https://')],
    ['as a relative path', url(A).replace(BASE, '')],
    ['with text before it', `see ${url(A)}`],
  ])('keeps a URL %s as given', (_case, value) => {
    expect(unresolveUrls({ logo: value }, 'contoso', 'contoso-app')).toEqual({ logo: value });
  });

  it('treats the offer id literally, not as a pattern', () => {
    const dotted = url(A, 'a.b').replace('/offers/a.b/', '/offers/axb/');
    expect(unresolveUrls({ logo: dotted }, 'contoso', 'a.b')).toEqual({ logo: dotted });
  });

  it('inside lists and nested objects', () => {
    expect(unresolveUrls({ shots: [{ uri: url(A) }, 'text', 1] }, 'contoso', 'contoso-app')).toEqual({
      shots: [{ uri: `artifact:${A}` }, 'text', 1],
    });
  });
});
