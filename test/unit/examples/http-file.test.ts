/** The REST Client .http reader and runner that test/e2e/examples.test.ts uses on docs/examples. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonPathValue, parseHttpFile, prepare, substitute, type Scope } from '../../fixtures/http-file';

const text = `# A file comment
@base = http://localhost:7071
@token = paste-token

### 1. Create something
# @name create
# expect 201
POST {{base}}/api/things?x=1 HTTP/1.1
Authorization: Bearer {{token}}
Content-Type: application/json

{
  "name": "{{thing}}"
}


###
@thing = widget
@id = {{create.response.body.$.items[1].id}}

### 2. Read it, the query over two lines
# expect 200
GET {{base}}/api/things/{{id}}
    ?api-version=1
    &full=true
If-Match: {{create.response.headers.etag}}
// a comment among headers
Accept: */*

### GET is the default method
# expect 200
{{base}}/api/health

### A file body
# expect 201
POST {{base}}/upload
Content-Type: application/zip

< ./sample-package.zip
`;

const scope = (overrides: Record<string, string> = {}): Scope => ({
  variables: parseHttpFile(text).variables,
  overrides,
  responses: new Map([
    ['create', { status: 201, headers: new Headers({ ETag: 'W/"1"' }), text: JSON.stringify({ items: [{ id: 'a' }, { id: 'b' }] }) }],
  ]),
  now: () => new Date('2024-03-10T11:15:00.000Z'),
});

describe('parseHttpFile', () => {
  const file = parseHttpFile(text, path.resolve(__dirname, '../../../docs/examples/x.http'));

  it('reads requests between ### lines with their title, name, expected status, headers and body', () => {
    expect(file.requests.map((r) => [r.title, r.method, r.url, r.name, r.expect])).toEqual([
      ['1. Create something', 'POST', '{{base}}/api/things?x=1', 'create', 201],
      ['2. Read it, the query over two lines', 'GET', '{{base}}/api/things/{{id}}?api-version=1&full=true', undefined, 200],
      ['GET is the default method', 'GET', '{{base}}/api/health', undefined, 200],
      ['A file body', 'POST', '{{base}}/upload', undefined, 201],
    ]);
    expect(file.requests[0]?.line).toBe(8);
    expect(file.requests[0]?.headers).toEqual([
      ['Authorization', 'Bearer {{token}}'],
      ['Content-Type', 'application/json'],
    ]);
    expect(file.requests[0]?.body).toEqual({ text: '{\n  "name": "{{thing}}"\n}' });
    expect(file.requests[1]?.headers.map(([name]) => name)).toEqual(['If-Match', 'Accept']);
    expect(file.requests[1]?.body).toBeUndefined();
    expect(file.requests[3]?.body).toEqual({ file: './sample-package.zip' });
  });

  it('collects file variables from anywhere in the file (a block of only variables is no request)', () => {
    expect(Object.fromEntries(file.variables)).toEqual({
      base: 'http://localhost:7071',
      token: 'paste-token',
      thing: 'widget',
      id: '{{create.response.body.$.items[1].id}}',
    });
  });

  it('resolves variables, overrides and earlier responses when a request is prepared; reads file bodies', () => {
    const s = scope({ token: 'eyJ.real', base: 'http://127.0.0.1:1234' });
    const create = prepare(file.requests[0]!, file, s);
    expect(create).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:1234/api/things?x=1',
      headers: { Authorization: 'Bearer eyJ.real', 'Content-Type': 'application/json' },
      body: '{\n  "name": "widget"\n}',
    });
    expect(prepare(file.requests[1]!, file, s)).toMatchObject({
      url: 'http://127.0.0.1:1234/api/things/b?api-version=1&full=true',
      headers: { 'If-Match': 'W/"1"' },
    });
    expect((prepare(file.requests[3]!, file, s).body as Buffer).subarray(0, 2).toString()).toBe('PK');
  });

  it('refuses what is not a request line', () => {
    expect(() => parseHttpFile('###\nFETCH /x\n')).toThrow(/not a request line/);
  });
});

describe('substitute', () => {
  it.each([
    ['{{$datetime iso8601}}', '2024-03-10T11:15:00.000Z'],
    ['{{$datetime iso8601 -1 h}}', '2024-03-10T10:15:00.000Z'],
    ['{{$datetime iso8601 2 d}}', '2024-03-12T11:15:00.000Z'],
    ['{{$datetime iso8601 -1 M}}', '2024-02-10T11:15:00.000Z'],
    ['{{$datetime iso8601 30 m}}', '2024-03-10T11:45:00.000Z'],
    ['{{$datetime rfc1123}}', 'Sun, 10 Mar 2024 11:15:00 GMT'],
    ['{{$datetime "YYYY-MM-DD" -1 d}}', '2024-03-09'],
    ["{{$datetime 'YYYY-MM-DDTHH:mm:ss.SSS'}}", '2024-03-10T11:15:00.000'],
    ['{{$timestamp}}', '1710069300'],
    ['{{$timestamp -1 h}}', '1710065700'],
    ['{{create.response.body.*}}', '{"items":[{"id":"a"},{"id":"b"}]}'],
    ['{{create.response.body.$.items}}', '[{"id":"a"},{"id":"b"}]'],
    ['{{create.response.headers.ETAG}}', 'W/"1"'],
  ])('%s', (expression, expected) => {
    expect(substitute(expression, scope())).toBe(expected);
  });

  it('generates GUIDs and random integers', () => {
    expect(substitute('{{$guid}}', scope())).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number(substitute('{{$randomInt 5 6}}', scope()))).toBe(5);
  });

  it.each([
    ['{{nobody}}', /unknown variable/],
    ['{{later.response.body.$.id}}', /no earlier response named later/],
    ['{{create.response.body.$.missing}}', /nothing at \$\.missing/],
    ['{{$datetime}}', /needs a format/],
    ['{{$datetime iso8601 1 fortnight}}', /bad offset unit/],
    ['{{$processEnv HOME}}', /unsupported dynamic variable/],
  ])('fails on %s rather than sending it as written', (expression, error) => {
    expect(() => substitute(expression, scope())).toThrow(error);
  });

  it('refuses a variable that refers to itself', () => {
    const s = scope();
    s.variables.set('a', '{{b}}');
    s.variables.set('b', '{{a}}');
    expect(() => substitute('{{a}}', s)).toThrow(/refers to itself/);
  });
});

describe('jsonPathValue', () => {
  it.each([
    ['$', { a: 1, 'b c': ['x'] }],
    ['$.a', 1],
    ["$['b c'][0]", 'x'],
    ['$.d.e', undefined],
  ])('%s', (jsonPath, expected) => {
    expect(jsonPathValue({ a: 1, 'b c': ['x'] }, jsonPath)).toEqual(expected);
  });
});
