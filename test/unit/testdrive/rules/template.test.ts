/** Template parameters, their values and outputs (specs/testdrive.md 1.2, §4 cases 22–27). */
import { describe, expect, it } from 'vitest';
import { outputsAsStrings, parameterValues, passwordOf, templateParameters, userNameOf } from '../../../../shared/testdrive/rules/template';

const param = (type: string, kind: unknown) => ({ type, metadata: { type: kind } });

describe('templateParameters', () => {
  it('accepts a template without parameters', () => {
    expect(templateParameters({}, 't')).toEqual({ parameters: [], violations: [] });
    expect(templateParameters({ parameters: {} }, 't')).toEqual({ parameters: [], violations: [] });
  });

  it('rejects a template that is not an object, and parameters that are not an object', () => {
    for (const t of [null, [], 'x'])
      expect(templateParameters(t, 't')).toEqual({ parameters: [], violations: [{ path: 't', message: 'must be the main template (a JSON object)' }] });
    expect(templateParameters({ parameters: [] }, 't')).toEqual({ parameters: [], violations: [{ path: 't.parameters', message: 'must be an object' }] });
  });

  it('reads every documented kind with its declared type, both session id spellings, any case', () => {
    const result = templateParameters(
      {
        parameters: {
          base: param('string', 'baseuri'),
          user: param('String', 'username'),
          pass: param('secureString', 'password'),
          s1: param('string', 'sessionid'),
          s2: param('string', 'session id'),
          s3: param('string', 'SessionId'),
        },
      },
      't',
    );
    expect(result).toEqual({
      parameters: [
        { name: 'base', kind: 'baseuri' },
        { name: 'user', kind: 'username' },
        { name: 'pass', kind: 'password' },
        { name: 's1', kind: 'sessionid' },
        { name: 's2', kind: 'sessionid' },
        { name: 's3', kind: 'sessionid' },
      ],
      violations: [],
    });
  });

  it('requires metadata.type on every parameter', () => {
    const message = 'is required: every test drive template parameter names its metadata.type';
    expect(templateParameters({ parameters: { a: { type: 'string' } } }, 't').violations).toEqual([{ path: 't.parameters.a.metadata.type', message }]);
    expect(templateParameters({ parameters: { a: { type: 'string', metadata: 'x' } } }, 't').violations).toEqual([{ path: 't.parameters.a.metadata.type', message }]);
    expect(templateParameters({ parameters: { a: 'x' } }, 't').violations).toEqual([{ path: 't.parameters.a.metadata.type', message }]);
    expect(templateParameters({ parameters: { a: param('string', 3) } }, 't').violations).toEqual([{ path: 't.parameters.a.metadata.type', message }]);
  });

  it.each(['userid', 'guid', 'foo', ''])('rejects metadata.type %j', (kind) => {
    expect(templateParameters({ parameters: { a: param('string', kind) } }, 't')).toEqual({
      parameters: [],
      violations: [{ path: 't.parameters.a.metadata.type', message: `"${kind}" is not supported (baseuri, username, password or sessionid)` }],
    });
  });

  it('requires securestring for a password and string for the others', () => {
    expect(templateParameters({ parameters: { p: param('string', 'password') } }, 't').violations).toEqual([
      { path: 't.parameters.p.type', message: 'must be securestring for a password parameter' },
    ]);
    expect(templateParameters({ parameters: { u: param('securestring', 'username') } }, 't').violations).toEqual([
      { path: 't.parameters.u.type', message: 'must be string for a username parameter' },
    ]);
    expect(templateParameters({ parameters: { u: { metadata: { type: 'baseuri' } } } }, 't').violations).toEqual([
      { path: 't.parameters.u.type', message: 'must be string for a baseuri parameter' },
    ]);
  });
});

describe('parameterValues', () => {
  it('gives each parameter the value of its kind', () => {
    const values = { baseUri: 'https://b/', username: 'admin00001', password: 'P@ss', sessionId: 'sid' };
    expect(
      parameterValues(
        [
          { name: 'b', kind: 'baseuri' },
          { name: 'u', kind: 'username' },
          { name: 'p', kind: 'password' },
          { name: 's', kind: 'sessionid' },
        ],
        values,
      ),
    ).toEqual({ b: { value: 'https://b/' }, u: { value: 'admin00001' }, p: { value: 'P@ss' }, s: { value: 'sid' } });
    expect(parameterValues([], values)).toEqual({});
  });
});

describe('outputsAsStrings', () => {
  it('turns every output into a string, objects as JSON (L3605)', () => {
    expect(outputsAsStrings({ a: { type: 'int', value: 1 }, b: { value: { x: true } }, c: { value: 's' }, d: { value: null }, e: { value: [1] } })).toEqual({
      a: '1',
      b: '{"x":true}',
      c: 's',
      d: 'null',
      e: '[1]',
    });
  });

  it('takes bare values too', () => {
    expect(outputsAsStrings({ a: 1, b: 'x', c: { y: 2 }, d: undefined })).toEqual({ a: '1', b: 'x', c: '{"y":2}', d: 'null' });
  });
});

describe('credentials', () => {
  it('makes user names like admin68876 from five digits', () => {
    expect(userNameOf(68876)).toBe('admin68876');
    expect(userNameOf(7)).toBe('admin00007');
    expect(userNameOf(1_234_567)).toBe('admin34567');
    expect(userNameOf(-42.9)).toBe('admin00042');
  });

  it('makes 16-character passwords with upper, lower, digit and symbol', () => {
    const zeros = passwordOf(new Uint8Array(16));
    expect(zeros).toBe('Aa2!Aa2!Aa2!Aa2!');
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    const p = passwordOf(bytes);
    expect(p).toHaveLength(16);
    expect(p).toMatch(/[A-Z]/);
    expect(p).toMatch(/[a-z]/);
    expect(p).toMatch(/[0-9]/);
    expect(p).toMatch(/[!@#%^*\-_+=]/);
    expect(p).toBe('As4@Wk8=Sd4_Nw8*');
    expect(passwordOf(new Uint8Array(0))).toBe('Aa2!Aa2!Aa2!Aa2!');
  });
});
