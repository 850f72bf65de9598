import { describe, it, expect } from 'vitest';
import { RouteTable, type MatchResult, type RouteDefinition } from '../../../local/routes';

/*
 * Expected values are derived from ASP.NET Core routing rules:
 *   precedence digit per segment: literal 1, complex or constrained parameter 2, parameter 3,
 *   constrained catch-all 4, catch-all 5; digit sequences compared left to right, a sequence that is a
 *   prefix of another first (ASP.NET adds them up as decimals: 1.1 < 1.11 < 1.111 < 1.113 < 3.11);
 *   ties by template text, ordinal ignore case (upper-cased code units: 'A' 0x41 < 'C' 0x43 < 'S' 0x53).
 *   Constraints follow .NET invariant-culture parsing: int/long/min/max/range use NumberStyles.Integer
 *   (white space around, leading sign), decimal uses NumberStyles.Number (thousands, trailing sign, no
 *   exponent), double/float use NumberStyles.Float | AllowThousands (exponent, NaN, Infinity).
 */

function route(functionName: string, template: string, methods: string[] = ['GET']): RouteDefinition {
  return { functionName, route: template, methods };
}

function single(template: string, prefix = ''): RouteTable {
  return new RouteTable([route('fn', template)], prefix);
}

/** Params of the match, or null when the path does not match. */
function paramsOf(table: RouteTable, path: string, method = 'GET'): Record<string, string> | null {
  const result = table.match(method, path);
  return result.kind === 'matched' ? result.match.params : null;
}

function winner(table: RouteTable, path: string, method = 'GET'): string | null {
  const result = table.match(method, path);
  return result.kind === 'matched' ? result.match.functionName : null;
}

const GUID = '8a2c6b1e-4f3d-4e7a-9b1c-2d3e4f5a6b7c';

describe('RouteTable constraints', () => {
  const cases: [constraint: string, segment: string, matches: boolean][] = [
    // int: 32-bit, optional sign, white space allowed around the digits
    ['int', '0', true],
    ['int', '42', true],
    ['int', '-7', true],
    ['int', '+7', true],
    ['int', '007', true],
    ['int', '2147483647', true],
    ['int', '-2147483648', true],
    ['int', '%2012', true],
    ['int', '12%20', true],
    ['int', '2147483648', false],
    ['int', '-2147483649', false],
    ['int', '1.5', false],
    ['int', '1e3', false],
    ['int', '0x10', false],
    ['int', '12a', false],
    ['int', '1%202', false],
    ['int', '--1', false],
    ['int', '1-', false],
    ['INT', '5', true],
    // long: 64-bit
    ['long', '9223372036854775807', true],
    ['long', '-9223372036854775808', true],
    ['long', '2147483648', true],
    ['long', '9223372036854775808', false],
    ['long', '-9223372036854775809', false],
    ['long', '1.0', false],
    ['long', 'x', false],
    // bool
    ['bool', 'true', true],
    ['bool', 'FALSE', true],
    ['bool', 'True', true],
    ['bool', '%20true', true],
    ['bool', '1', false],
    ['bool', '0', false],
    ['bool', 'yes', false],
    ['bool', 'truex', false],
    // guid: D, N, B, P and X formats
    ['guid', GUID, true],
    ['guid', GUID.toUpperCase(), true],
    ['guid', '8a2c6b1e4f3d4e7a9b1c2d3e4f5a6b7c', true],
    ['guid', `%7B${GUID}%7D`, true],
    ['guid', `(${GUID})`, true],
    ['guid', '%7B0x8a2c6b1e,0x4f3d,0x4e7a,%7B0x9b,0x1c,0x2d,0x3e,0x4f,0x5a,0x6b,0x7c%7D%7D', true],
    ['guid', '8a2c6b1e-4f3d-4e7a-9b1c-2d3e4f5a6b7', false],
    ['guid', '8a2c6b1e-4f3d-4e7a-9b1c-2d3e4f5a6b7g', false],
    ['guid', '8a2c6b1e4f3d-4e7a-9b1c-2d3e4f5a6b7c', false],
    ['guid', `%7B${GUID})`, false],
    ['guid', 'not-a-guid', false],
    // datetime (ISO 8601, yyyy/MM/dd, MM/dd/yyyy; the date must exist)
    ['datetime', '2024-01-31', true],
    ['datetime', '2024-02-29', true],
    ['datetime', '2000-02-29', true],
    ['datetime', '2024-01-31T10:20:30', true],
    ['datetime', '2024-01-31T10:20:30.123Z', true],
    ['datetime', '2024-01-31T10:20:30+02:00', true],
    ['datetime', '2024-01-31%2010:20', true],
    ['datetime', '01%2F31%2F2024', true],
    ['datetime', '2024%2F01%2F31', true],
    ['datetime', '2023-02-29', false],
    ['datetime', '2100-02-29', false],
    ['datetime', '2024-04-31', false],
    ['datetime', '2024-13-01', false],
    ['datetime', '2024-01-31T24:00', false],
    ['datetime', '2024-01-31T10:60', false],
    ['datetime', 'yesterday', false],
    // decimal: thousands separators, leading or trailing sign, no exponent, |x| < 2^96
    ['decimal', '0', true],
    ['decimal', '-1.5', true],
    ['decimal', '+2', true],
    ['decimal', '1,000.25', true],
    ['decimal', '.5', true],
    ['decimal', '5.', true],
    ['decimal', '5-', true],
    ['decimal', '%201.5%20', true],
    ['decimal', '79228162514264337593543950335', true],
    ['decimal', '79228162514264337593543950336', false],
    ['decimal', '1e3', false],
    ['decimal', 'NaN', false],
    ['decimal', '1.2.3', false],
    ['decimal', '.', false],
    ['decimal', '-5-', false],
    ['decimal', ',5', false],
    ['decimal', 'abc', false],
    // double / float: exponent, thousands, NaN and Infinity; overflow is Infinity, not a failure
    ['double', '1e3', true],
    ['double', '-1.5E-7', true],
    ['double', '1,000.5', true],
    ['double', '.5', true],
    ['double', 'NaN', true],
    ['double', '-Infinity', true],
    ['double', 'infinity', true],
    ['double', '1e400', true],
    ['double', '1e', false],
    ['double', '5-', false],
    ['double', '1.2.3', false],
    ['double', '0x1A', false],
    ['double', 'Inf', false],
    ['double', 'abc', false],
    ['float', '3.14', true],
    ['float', '2E10', true],
    ['float', 'pi', false],
    // alpha: ASCII letters only
    ['alpha', 'abc', true],
    ['alpha', 'ABCdef', true],
    ['alpha', 'abc1', false],
    ['alpha', 'ab-c', false],
    ['alpha', '%C3%A9t%C3%A9', false],
    // lengths count decoded UTF-16 units
    ['minlength(3)', 'abc', true],
    ['minlength(3)', 'abcdef', true],
    ['minlength(3)', 'a%20b', true],
    ['minlength(3)', 'ab', false],
    ['minlength(3)', '%C3%A9t', false],
    ['maxlength(8)', 'a', true],
    ['maxlength(8)', 'abcdefgh', true],
    ['maxlength(8)', 'abcdefghi', false],
    ['length(6)', 'abcdef', true],
    ['length(6)', 'abcde', false],
    ['length(6)', 'abcdefg', false],
    ['length(2,4)', 'ab', true],
    ['length(2,4)', 'abcd', true],
    ['length(2,4)', 'a', false],
    ['length(2,4)', 'abcde', false],
    // min / max / range: the value must parse as a 64-bit integer
    ['min(1)', '1', true],
    ['min(1)', '100', true],
    ['min(1)', '9223372036854775807', true],
    ['min(1)', '0', false],
    ['min(1)', '-5', false],
    ['min(1)', '1.5', false],
    ['min(1)', 'abc', false],
    ['min(1)', '9223372036854775808', false],
    ['max(9)', '9', true],
    ['max(9)', '-100', true],
    ['max(9)', '10', false],
    ['max(9)', 'x', false],
    ['range(1,9)', '1', true],
    ['range(1,9)', '5', true],
    ['range(1,9)', '9', true],
    ['range(1,9)', '0', false],
    ['range(1,9)', '10', false],
    ['range(1,9)', 'five', false],
    // regex: case-insensitive, not anchored unless the pattern says so
    ['regex(^[a-z]+$)', 'abc', true],
    ['regex(^[a-z]+$)', 'ABC', true],
    ['regex(^[a-z]+$)', 'abc1', false],
    ['regex(^[a-z]+$)', 'a-b', false],
    ['regex(\\d)', 'a1b', true],
    ['regex(\\d)', 'ab', false],
    ['regex(^\\d{{5}}$)', '12345', true],
    ['regex(^\\d{{5}}$)', '1234', false],
    ['regex(^\\d{{5}}$)', '123456', false],
    ['regex(^(red|blue)$)', 'red', true],
    ['regex(^(red|blue)$)', 'BLUE', true],
    ['regex(^(red|blue)$)', 'green', false],
    ['regex(^(red|blue)$)', 'redblue', false],
    ['regex(^a,b$)', 'a,b', true],
    // chains: every constraint must hold
    ['int:min(1)', '5', true],
    ['int:min(1)', '0', false],
    ['int:min(1)', 'x', false],
    ['int:min(1)', '2147483648', false],
    ['alpha:length(2,3)', 'abc', true],
    ['alpha:length(2,3)', 'abcd', false],
    ['alpha:length(2,3)', 'a1', false],
    ['required', 'x', true],
  ];

  it.each(cases)('{v:%s} with segment "%s" matches: %s', (constraint, segment, matches) => {
    const table = single(`c/{v:${constraint}}`);
    const params = paramsOf(table, `/c/${segment}`);
    if (matches) expect(params).toEqual({ v: decodeURIComponent(segment) });
    else expect(params).toBeNull();
  });

  it('applies the constraint to the decoded value', () => {
    expect(paramsOf(single('c/{v:int}'), '/c/%34%32')).toEqual({ v: '42' });
  });
});

describe('RouteTable optional, default and catch-all parameters', () => {
  it.each([
    ['items/{id?}', '/items', {}],
    ['items/{id?}', '/items/5', { id: '5' }],
    ['items/{id?}', '/items/5/6', null],
    ['items/{id:int?}', '/items', {}],
    ['items/{id:int?}', '/items/7', { id: '7' }],
    ['items/{id:int?}', '/items/x', null],
    ['docs/{lang=en}/{page=index}', '/docs', { lang: 'en', page: 'index' }],
    ['docs/{lang=en}/{page=index}', '/docs/fr', { lang: 'fr', page: 'index' }],
    ['docs/{lang=en}/{page=index}', '/docs/fr/intro', { lang: 'fr', page: 'intro' }],
    ['docs/{lang=en}/{page=index}', '/docs/fr/intro/more', null],
    ['docs/{lang=en}/{page?}', '/docs', { lang: 'en' }],
    // a default before a required segment can never be used
    ['{a=x}/{b}', '/p/q', { a: 'p', b: 'q' }],
    ['{a=x}/{b}', '/q', null],
    ['files/{*path}', '/files', {}],
    ['files/{*path}', '/files/a', { path: 'a' }],
    ['files/{*path}', '/files/a/b/c.txt', { path: 'a/b/c.txt' }],
    ['files/{*path}', '/files/a/b/', { path: 'a/b' }],
    ['files/{*path}', '/other/a', null],
    ['files/{**path}', '/files/a/b', { path: 'a/b' }],
    ['files/{**path}', '/files', {}],
    ['files/{*path=readme.md}', '/files', { path: 'readme.md' }],
    ['files/{*path=readme.md}', '/files/x/y', { path: 'x/y' }],
    // a constrained catch-all needs a value (ASP.NET constraints fail on a missing value)
    ['files/{*path:minlength(3)}', '/files', null],
    ['files/{*path:minlength(3)}', '/files/ab', null],
    ['files/{*path:minlength(3)}', '/files/a/b', { path: 'a/b' }],
    ['{*all}', '/', {}],
    ['{*all}', '/anything/at/all', { all: 'anything/at/all' }],
  ] as const)('%s on %s -> %j', (template, path, expected) => {
    expect(paramsOf(single(template), path)).toEqual(expected);
  });
});

describe('RouteTable complex segments', () => {
  it.each([
    ['files/{name}.{ext}', '/files/report.pdf', { name: 'report', ext: 'pdf' }],
    ['files/{name}.{ext}', '/files/REPORT.PDF', { name: 'REPORT', ext: 'PDF' }],
    // the right-most period separates: the name keeps the others
    ['files/{name}.{ext}', '/files/archive.tar.gz', { name: 'archive.tar', ext: 'gz' }],
    ['files/{name}.{ext}', '/files/a%2Eb', { name: 'a', ext: 'b' }],
    ['files/{name}.{ext}', '/files/noext', null],
    ['files/{name}.{ext}', '/files/.hidden', null],
    ['files/{name}.{ext}', '/files/trailing.', null],
    ['img/{name}.{ext?}', '/img/logo.png', { name: 'logo', ext: 'png' }],
    ['img/{name}.{ext?}', '/img/logo', { name: 'logo' }],
    ['img/{name}.{ext?}', '/img/logo.', null],
    ['img/{name}.{ext?}', '/img/my.logo.png', { name: 'my.logo', ext: 'png' }],
    ['v{version:int}/status', '/v2/status', { version: '2' }],
    ['v{version:int}/status', '/V3/status', { version: '3' }],
    ['v{version:int}/status', '/vx/status', null],
    ['v{version:int}/status', '/v/status', null],
    ['page{n:int}.html', '/page12.html', { n: '12' }],
    ['page{n:int}.html', '/PAGE3.HTML', { n: '3' }],
    ['page{n:int}.html', '/page.html', null],
    ['page{n:int}.html', '/pagex.html', null],
    ['page{n:int}.html', '/page1.htm', null],
    ['{a}-{b}-{c}', '/x-y-z', { a: 'x', b: 'y', c: 'z' }],
    ['{a}-{b}-{c}', '/x-y-z-w', { a: 'x-y', b: 'z', c: 'w' }],
    ['{a}-{b}-{c}', '/x--z', null],
    ['{a}-{b}-{c}', '/x-y', null],
    ['pre{a}post', '/prepost', null],
    ['pre{a}post', '/preXpost', { a: 'X' }],
    ['pre{a}post', '/prepostpost', { a: 'post' }],
  ] as const)('%s on %s -> %j', (template, path, expected) => {
    expect(paramsOf(single(template), path)).toEqual(expected);
  });
});

describe('RouteTable path handling', () => {
  const users = single('users/{name}');

  it.each([
    ['/users/J%C3%B6rg', { name: 'Jörg' }],
    ['/users/caf%C3%A9', { name: 'café' }],
    ['/users/a%2Fb', { name: 'a/b' }],
    ['/users/a+b', { name: 'a+b' }],
    ['/users/%20', { name: ' ' }],
    ['/users/MiXeD', { name: 'MiXeD' }],
    ['/USERS/bob', { name: 'bob' }],
    ['/users/bob/', { name: 'bob' }],
    ['users/bob', { name: 'bob' }],
    ['/users/%E0%A4%A', null],
    ['/users/100%', null],
    ['/users/%C3', null],
    ['/users/bob//', null],
    ['//users/bob', null],
    ['/users//bob', null],
    ['/users', null],
    ['/users/bob/extra', null],
  ] as const)('users/{name} on %s -> %j', (path, expected) => {
    expect(paramsOf(users, path)).toEqual(expected);
  });

  it('decodes the catch-all remainder segment by segment', () => {
    expect(paramsOf(single('files/{*path}'), '/files/a%20b/c%2Fd')).toEqual({ path: 'a b/c/d' });
    expect(paramsOf(single('files/{*path}'), '/files/a/%ZZ')).toBeNull();
  });

  it('compares literals case-insensitively against the decoded segment', () => {
    const table = single('api/health');
    expect(winner(table, '/api/health')).toBe('fn');
    expect(winner(table, '/API/Health')).toBe('fn');
    expect(winner(table, '/api/h%65alth')).toBe('fn');
    expect(winner(table, '/api/health/')).toBe('fn');
    expect(winner(table, '/api/healthz')).toBeNull();
  });

  it('fails only the routes that need a malformed segment', () => {
    const table = new RouteTable([route('literal', 'lit/100%'), route('param', 'lit/{v}')], '');
    expect(winner(table, '/lit/100%')).toBe('literal');
    expect(winner(table, '/lit/abc')).toBe('param');
    expect(table.match('GET', '/lit/50%')).toEqual({ kind: 'notFound' });
  });

  it('ignores a leading slash in the template', () => {
    const table = single('/api/health');
    expect(winner(table, '/api/health')).toBe('fn');
    expect(table.describe()).toEqual(['GET api/health -> fn']);
  });

  it('treats {{ and }} as literal braces', () => {
    const table = single('api/{{literal}}');
    expect(paramsOf(table, '/api/%7Bliteral%7D')).toEqual({});
    expect(paramsOf(table, '/api/literal')).toBeNull();
  });
});

describe('RouteTable routePrefix', () => {
  it('uses templates as full paths when the prefix is empty', () => {
    const table = single('api/health', '');
    expect(winner(table, '/api/health')).toBe('fn');
    expect(winner(table, '/health')).toBeNull();
  });

  it('prepends a non-empty prefix with exactly one slash', () => {
    const table = single('health', 'api');
    expect(winner(table, '/api/health')).toBe('fn');
    expect(winner(table, '/health')).toBeNull();
    expect(winner(table, '/api//health')).toBeNull();
    expect(table.describe()).toEqual(['GET api/health -> fn']);
  });

  it.each([
    ['api', 'health'],
    ['/api', '/health'],
    ['api/', 'health'],
    ['/api/', '/health'],
  ])('normalizes prefix %j and route %j to api/health', (prefix, template) => {
    expect(single(template, prefix).describe()).toEqual(['GET api/health -> fn']);
  });

  it('binds parameters after the prefix', () => {
    expect(paramsOf(single('items/{id:int}', 'api'), '/api/items/3')).toEqual({ id: '3' });
  });

  it('lets an empty route stand for the prefix itself, or the root without a prefix', () => {
    expect(winner(single('', 'api'), '/api')).toBe('fn');
    expect(winner(single('', ''), '/')).toBe('fn');
    expect(winner(single('', ''), '/x')).toBeNull();
  });
});

describe('RouteTable precedence', () => {
  const sets: Record<string, RouteDefinition[]> = {
    literalVsParameter: [
      route('byId', 'api/saas/subscriptions/{id}'),
      route('resolve', 'api/saas/subscriptions/resolve'),
    ],
    tenantVsCommon: [route('tenantKeys', '{tenant}/discovery/keys'), route('commonKeys', 'common/discovery/keys')],
    constrainedVsPlain: [route('bySlug', 'items/{slug}'), route('byNumber', 'items/{id:int}')],
    catchAllLast: [route('rest', 'files/{*path}'), route('byName', 'files/{name}'), route('special', 'files/special')],
    exactBeforeCatchAll: [route('rest', 'files/{*path}'), route('root', 'files')],
    leftmostDecides: [route('paramFirst', '{a}/literal'), route('literalFirst', 'literal/{b}')],
    constrainedCatchAll: [route('anything', 'c/{*p}'), route('numeric', 'c/{*p:int}')],
    complexBetween: [
      route('plain', 'files/{id}'),
      route('dotted', 'files/{name}.{ext}'),
      route('readme', 'files/readme.md'),
    ],
    textOrderTie: [route('minZero', 't/{b:min(0)}'), route('int32', 't/{a:int}')],
    optionalAfterExact: [route('maybe', 'api/items/{id?}'), route('list', 'api/items')],
  };

  it.each([
    ['literalVsParameter', '/api/saas/subscriptions/resolve', 'resolve'],
    ['literalVsParameter', '/api/saas/subscriptions/RESOLVE', 'resolve'],
    ['literalVsParameter', '/api/saas/subscriptions/abc', 'byId'],
    ['tenantVsCommon', '/common/discovery/keys', 'commonKeys'],
    ['tenantVsCommon', '/contoso/discovery/keys', 'tenantKeys'],
    ['constrainedVsPlain', '/items/42', 'byNumber'],
    ['constrainedVsPlain', '/items/abc', 'bySlug'],
    ['catchAllLast', '/files/special', 'special'],
    ['catchAllLast', '/files/x', 'byName'],
    ['catchAllLast', '/files/x/y', 'rest'],
    ['catchAllLast', '/files', 'rest'],
    ['exactBeforeCatchAll', '/files', 'root'],
    ['exactBeforeCatchAll', '/files/a', 'rest'],
    ['leftmostDecides', '/literal/literal', 'literalFirst'],
    ['leftmostDecides', '/other/literal', 'paramFirst'],
    ['constrainedCatchAll', '/c/5', 'numeric'],
    ['constrainedCatchAll', '/c/a', 'anything'],
    ['constrainedCatchAll', '/c/5/6', 'anything'],
    ['complexBetween', '/files/readme.md', 'readme'],
    ['complexBetween', '/files/a.b', 'dotted'],
    ['complexBetween', '/files/abc', 'plain'],
    // same digits [1, 2]: "T/{A:INT}" sorts before "T/{B:MIN(0)}"
    ['textOrderTie', '/t/5', 'int32'],
    ['textOrderTie', '/t/99999999999', 'minZero'],
    ['textOrderTie', '/t/x', null],
    ['optionalAfterExact', '/api/items', 'list'],
    ['optionalAfterExact', '/api/items/3', 'maybe'],
  ] as const)('%s: %s -> %s', (set, path, expected) => {
    const routes = sets[set] ?? [];
    expect(winner(new RouteTable(routes, ''), path)).toBe(expected);
    // declaration order never matters
    expect(winner(new RouteTable([...routes].reverse(), ''), path)).toBe(expected);
  });

  it('lists routes in precedence order', () => {
    expect(new RouteTable(sets['catchAllLast'] ?? [], '').describe()).toEqual([
      'GET files/special -> special',
      'GET files/{name} -> byName',
      'GET files/{*path} -> rest',
    ]);
    expect(new RouteTable(sets['complexBetween'] ?? [], '').describe()).toEqual([
      'GET files/readme.md -> readme',
      'GET files/{name}.{ext} -> dotted',
      'GET files/{id} -> plain',
    ]);
  });
});

describe('RouteTable methods', () => {
  const realistic: RouteDefinition[] = [
    route('health', 'api/health', ['GET']),
    route('setClock', 'api/admin/clock', ['PUT']),
    route('tokenV1', '{tenantId}/oauth2/token', ['POST']),
    route('tokenV2', '{tenantId}/oauth2/v2.0/token', ['POST']),
    route('commonKeys', 'common/discovery/keys', ['GET']),
    route('tenantKeys', '{tenantId}/discovery/v2.0/keys', ['GET']),
    route('resolveSubscription', 'api/saas/subscriptions/resolve', ['POST']),
    route('subscription', 'api/saas/subscriptions/{subscriptionId}', ['GET', 'PATCH', 'DELETE']),
    route('listSubscriptions', 'api/saas/subscriptions', ['GET']),
  ];
  const table = new RouteTable(realistic, '');

  it.each<[string, string, MatchResult]>([
    ['GET', '/api/health', { kind: 'matched', match: { functionName: 'health', params: {} } }],
    ['get', '/api/health', { kind: 'matched', match: { functionName: 'health', params: {} } }],
    ['POST', '/api/health', { kind: 'methodNotAllowed', allowed: ['GET'] }],
    // HEAD is not implied by GET (the Functions host matches methods exactly as declared)
    ['HEAD', '/api/health', { kind: 'methodNotAllowed', allowed: ['GET'] }],
    ['PUT', '/api/admin/clock', { kind: 'matched', match: { functionName: 'setClock', params: {} } }],
    [
      'POST',
      '/api/saas/subscriptions/resolve',
      { kind: 'matched', match: { functionName: 'resolveSubscription', params: {} } },
    ],
    // resolve (POST only) matches the path first; the parameter route still takes GET
    [
      'GET',
      '/api/saas/subscriptions/resolve',
      { kind: 'matched', match: { functionName: 'subscription', params: { subscriptionId: 'resolve' } } },
    ],
    ['PUT', '/api/saas/subscriptions/resolve', { kind: 'methodNotAllowed', allowed: ['DELETE', 'GET', 'PATCH', 'POST'] }],
    [
      'PATCH',
      `/api/saas/subscriptions/${GUID}`,
      { kind: 'matched', match: { functionName: 'subscription', params: { subscriptionId: GUID } } },
    ],
    ['GET', '/api/saas/subscriptions', { kind: 'matched', match: { functionName: 'listSubscriptions', params: {} } }],
    ['POST', '/api/saas/subscriptions', { kind: 'methodNotAllowed', allowed: ['GET'] }],
    [
      'POST',
      '/contoso/oauth2/v2.0/token',
      { kind: 'matched', match: { functionName: 'tokenV2', params: { tenantId: 'contoso' } } },
    ],
    ['POST', '/contoso/oauth2/token', { kind: 'matched', match: { functionName: 'tokenV1', params: { tenantId: 'contoso' } } }],
    ['GET', '/api/oauth2/token', { kind: 'methodNotAllowed', allowed: ['POST'] }],
    ['GET', '/common/discovery/keys', { kind: 'matched', match: { functionName: 'commonKeys', params: {} } }],
    [
      'GET',
      '/common/discovery/v2.0/keys',
      { kind: 'matched', match: { functionName: 'tenantKeys', params: { tenantId: 'common' } } },
    ],
    ['GET', '/api/nothing', { kind: 'notFound' }],
    ['GET', '/', { kind: 'notFound' }],
    ['GET', '/api/health/extra', { kind: 'notFound' }],
  ])('%s %s', (method, path, expected) => {
    expect(table.match(method, path)).toEqual(expected);
  });

  it('accepts every method when the list is empty', () => {
    const getOnly = single('x');
    const all = new RouteTable([route('all', 'hook', [])], '');
    expect(winner(all, '/hook', 'PURGE')).toBe('all');
    expect(winner(all, '/hook', 'delete')).toBe('all');
    expect(winner(getOnly, '/x', 'POST')).toBeNull();
  });

  it('allows the same template in different functions for disjoint methods', () => {
    const split = new RouteTable([route('read', 'api/items/{id}', ['GET']), route('write', 'api/items/{key}', ['POST'])], '');
    expect(split.match('GET', '/api/items/1')).toEqual({ kind: 'matched', match: { functionName: 'read', params: { id: '1' } } });
    expect(split.match('POST', '/api/items/1')).toEqual({
      kind: 'matched',
      match: { functionName: 'write', params: { key: '1' } },
    });
    expect(split.match('PUT', '/api/items/1')).toEqual({ kind: 'methodNotAllowed', allowed: ['GET', 'POST'] });
  });

  it('describes the realistic route set in precedence order', () => {
    // digits: api/health 1.1; api/admin/clock, api/saas/subscriptions, common/discovery/keys 1.11 (by text);
    // .../resolve 1.111; .../{subscriptionId} 1.113; {tenantId}/oauth2/token 3.11;
    // {tenantId}/discovery/v2.0/keys and {tenantId}/oauth2/v2.0/token 3.111 (D before O)
    expect(table.describe()).toEqual([
      'GET api/health -> health',
      'PUT api/admin/clock -> setClock',
      'GET api/saas/subscriptions -> listSubscriptions',
      'GET common/discovery/keys -> commonKeys',
      'POST api/saas/subscriptions/resolve -> resolveSubscription',
      'DELETE,GET,PATCH api/saas/subscriptions/{subscriptionId} -> subscription',
      'POST {tenantId}/oauth2/token -> tokenV1',
      'GET {tenantId}/discovery/v2.0/keys -> tenantKeys',
      'POST {tenantId}/oauth2/v2.0/token -> tokenV2',
    ]);
  });

  it('describes prefixed routes, all-method routes and catch-alls', () => {
    const prefixed = new RouteTable(
      [route('fallback', '{*path}', []), route('health', 'health'), route('clock', '/admin/clock', ['PUT'])],
      'api',
    );
    // api/health 1.1 < api/admin/clock 1.11 < api/{*path} 1.5
    expect(prefixed.describe()).toEqual([
      'GET api/health -> health',
      'PUT api/admin/clock -> clock',
      '* api/{*path} -> fallback',
    ]);
  });
});

describe('RouteTable constructor errors', () => {
  it.each([
    ['api/{id', /unmatched '\{'/],
    ['api/id}', /unmatched '\}'/],
    ['api/{a}/{b', /unmatched '\{'/],
    ['api/{{id}', /unmatched '\}'/],
    ['api/{a{b}', /unescaped '\{'/],
    ['api/{}', /no name/],
    ['api//x', /empty segment/],
    ['api/{id?}/x', /optional/],
    ['{a?}/{b}', /optional/],
    ['api/{*rest}/x', /catch-all/],
    ['api/{**rest}/x', /catch-all/],
    ['api/{*rest?}', /cannot be marked optional/],
    ['api/{id:foo}', /unknown constraint "foo"/],
    ['api/{id:int:bogus(1)}', /unknown constraint "bogus"/],
    ['api/{a:minlength}', /needs an argument/],
    ['api/{a:int(3)}', /takes no arguments/],
    ['api/{a:length(5,2)}', /greater than/],
    ['api/{a:range(9,1)}', /greater than/],
    ['api/{a:min(x)}', /not a 64-bit integer/],
    ['api/{a:length(1,2,3)}', /argument/],
    ['api/{a:regex([)}', /invalid regular expression/],
    ['api/{a:regex()}', /needs a pattern/],
    ['api/{a:regex(^a$}', /closing '\)'/],
    ['api/{n:int=abc}', /does not satisfy/],
    ['api/{a=1?}', /cannot have a default/],
    ['api/{a}/{A}', /more than once/],
    ['api/{a}{b}', /two consecutive parameters/],
    ['api/{a}.{*b}', /catch-all/],
    ['api/{a?}.{b}', /end of its segment/],
    ['api/{a}-{b?}', /preceded by a period/],
    ['api/{a=x}.{b}', /default/],
    ['api/what?', /cannot contain '\?'/],
    ['api/{a*b}', /invalid parameter name/],
    ['api/{a:int}x?', /cannot contain '\?'/],
    ['api/{__proto__}', /__proto__/],
  ])('rejects %s', (template, reason) => {
    const build = () => new RouteTable([route('ok', 'api/fine'), route('broken', template)], '');
    expect(build).toThrow(/function "broken"/);
    expect(build).toThrow(reason);
    expect(build).toThrow(template);
  });

  it.each([
    [route('a', 'api/items/{id}', ['GET']), route('b', 'API/Items/{key}', ['GET', 'POST'])],
    [route('a', 'hooks/{*path}', []), route('b', 'hooks/{**rest}', ['POST'])],
    [route('a', 'x/{p?}', ['GET']), route('b', 'x/{q=1}', ['GET'])],
    [route('a', 'x/{p:int}', ['GET']), route('b', 'x/{q:INT}', ['GET'])],
    [route('a', 'x/{p:int:min(1)}', ['GET']), route('b', 'x/{q:min(1):int}', ['GET'])],
    [route('a', 'files/{name}.{ext}', ['GET']), route('b', 'files/{n}.{e}', ['GET'])],
    [route('a', 'api/health', ['GET']), route('b', 'api/health', ['get'])],
  ])('rejects ambiguous routes %j and %j', (a, b) => {
    expect(() => new RouteTable([a, b], '')).toThrow(/Ambiguous.*function "a".*function "b"/);
  });

  it('detects ambiguity after the prefix is applied', () => {
    expect(() => new RouteTable([route('a', 'health'), route('b', '/health')], 'api')).toThrow(/Ambiguous/);
  });

  it.each([
    [route('a', 'api/items/{id}', ['GET']), route('b', 'api/items/{key}', ['POST'])],
    [route('a', 'x/{p:int}', ['GET']), route('b', 'x/{q:guid}', ['GET'])],
    [route('a', 'x/{p}', ['GET']), route('b', 'x/{q:int}', ['GET'])],
    [route('a', 'x/{p?}', ['GET']), route('b', 'x/{q}', ['GET'])],
    [route('a', 'x', ['GET']), route('b', 'x/{q?}', ['GET'])],
  ])('accepts distinguishable routes %j and %j', (a, b) => {
    expect(() => new RouteTable([a, b], '')).not.toThrow();
  });
});
