/**
 * HTTP route table for the local host: ASP.NET Core route templates, as the Azure Functions host uses them for
 * HTTP triggers (`route` in the trigger binding, with `extensions.http.routePrefix` from host.json prepended).
 *
 * Every template is parsed and compiled once, in the constructor; `match` then walks the routes in precedence
 * order with precompiled segment matchers (no regular expression is built per request).
 *
 * Template syntax supported:
 * - literal segments, compared case-insensitively (`api/health`);
 * - parameters `{name}`, optional `{name?}` and defaulted `{name=value}` parameters; an optional parameter may
 *   only be followed by optional/defaulted/catch-all segments;
 * - catch-all `{*rest}` / `{**rest}` in the last segment: the rest of the path, slashes included, possibly empty;
 * - inline constraints, chained: `{id:int:min(1)}` (see `buildConstraint` for the list);
 * - complex segments mixing literals and parameters: `{name}.{ext}`, `v{version:int}`, `{name}.{ext?}`;
 * - `{{` and `}}` for literal braces (also inside a parameter, e.g. `{zip:regex(^\d{{5}}$)}`).
 *
 * Request paths: one trailing slash is ignored, an empty segment (`//`) never matches, segments are
 * percent-decoded before literals are compared and parameters are bound (a `%2F` stays inside its segment);
 * a malformed escape makes any route that needs that segment's value fail to match.
 *
 * Precedence is ASP.NET Core's inbound precedence: each segment gets a digit (1 literal, 2 complex or
 * constrained parameter, 3 parameter, 4 constrained catch-all, 5 catch-all); routes are ordered by comparing
 * the digit sequences segment by segment, where a template that is a prefix of another comes first (ASP.NET
 * reads the digits as a decimal number 1.13 < 1.135, so `files` beats `files/{*path}` for `/files`); ties are
 * broken by the template text compared ordinal-ignore-case, then ordinal, then function name.
 *
 * HTTP methods are matched exactly as declared (case-insensitively): HEAD is NOT implied by GET, and OPTIONS
 * is not answered automatically, because the Functions host does neither. An empty method list means all.
 */

export interface RouteDefinition {
  functionName: string;
  route: string;
  /** Upper-case HTTP methods; an empty array allows every method. */
  methods: string[];
}

export interface RouteMatch {
  functionName: string;
  params: Record<string, string>;
}

export type MatchResult = { kind: 'matched'; match: RouteMatch } | { kind: 'methodNotAllowed'; allowed: string[] } | { kind: 'notFound' };

// ---------------------------------------------------------------------------------------------------------
// Compiled form

type ValueTest = (value: string) => boolean;

interface Constraint {
  /** Canonical text, used to compare template shapes. */
  readonly key: string;
  readonly test: ValueTest;
}

interface Param {
  readonly name: string;
  readonly constraints: readonly Constraint[];
  readonly optional: boolean;
  readonly defaultValue: string | undefined;
  readonly catchAll: boolean;
}

type Part = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'param'; readonly param: Param };

type ComplexPart = { readonly kind: 'literal'; readonly folded: string } | { readonly kind: 'param'; readonly param: Param };

type Segment =
  | { readonly kind: 'literal'; readonly folded: string }
  | { readonly kind: 'param'; readonly param: Param }
  | { readonly kind: 'catchAll'; readonly param: Param }
  | {
      readonly kind: 'complex';
      readonly parts: readonly ComplexPart[];
      /** For `{name}.{ext?}`: the parts to try when the optional last parameter is absent. */
      readonly withoutOptional: readonly ComplexPart[] | undefined;
    };

interface CompiledRoute {
  readonly functionName: string;
  /** Full template (prefix included, leading slash removed) as written. */
  readonly template: string;
  readonly sortText: string;
  readonly index: number;
  readonly allMethods: boolean;
  readonly methods: ReadonlySet<string>;
  readonly segments: readonly Segment[];
  readonly digits: readonly number[];
  readonly minSegments: number;
  readonly maxSegments: number;
  /** Identical for two templates that match exactly the same paths the same way. */
  readonly shape: string;
}

interface RequestPath {
  readonly count: number;
  /** Percent-decoded segments; undefined where the encoding is malformed. */
  readonly decoded: readonly (string | undefined)[];
  /** Case-folded decoded segment (or raw segment when malformed), for literal comparison. */
  readonly folded: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------
// Route table

export class RouteTable {
  private readonly routes: readonly CompiledRoute[];

  constructor(routes: RouteDefinition[], routePrefix: string) {
    const compiled = routes.map((def, index) => compileRoute(def, routePrefix, index));
    assertNoAmbiguity(compiled);
    this.routes = compiled.sort(comparePrecedence);
  }

  match(method: string, path: string): MatchResult {
    const request = parsePath(path);
    if (request === undefined) return NOT_FOUND;
    const verb = method.toUpperCase();
    let allowed: Set<string> | undefined;
    for (const route of this.routes) {
      if (request.count < route.minSegments || request.count > route.maxSegments) continue;
      const params = matchSegments(route.segments, request);
      if (params === undefined) continue;
      if (route.allMethods || route.methods.has(verb)) {
        return { kind: 'matched', match: { functionName: route.functionName, params } };
      }
      // A lower-precedence route may still match the path and allow the method: keep looking.
      allowed ??= new Set<string>();
      for (const m of route.methods) allowed.add(m);
    }
    if (allowed === undefined) return NOT_FOUND;
    return { kind: 'methodNotAllowed', allowed: [...allowed].sort() };
  }

  describe(): string[] {
    return this.routes.map((r) => {
      const methods = r.allMethods ? '*' : [...r.methods].sort().join(',');
      return `${methods} ${r.template} -> ${r.functionName}`;
    });
  }
}

const NOT_FOUND: MatchResult = { kind: 'notFound' };

// ---------------------------------------------------------------------------------------------------------
// Matching

const EMPTY_PATH: RequestPath = { count: 0, decoded: [], folded: [] };

function parsePath(path: string): RequestPath | undefined {
  let p = path.startsWith('/') ? path.slice(1) : path;
  if (p === '') return EMPTY_PATH;
  if (p.endsWith('/')) p = p.slice(0, -1);
  const raw = p.split('/');
  const decoded: (string | undefined)[] = new Array<string | undefined>(raw.length);
  const folded: string[] = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const segment = raw[i] ?? '';
    if (segment === '') return undefined;
    const value = decodeSegment(segment);
    decoded[i] = value;
    folded[i] = foldCase(value ?? segment);
  }
  return { count: raw.length, decoded, folded };
}

function decodeSegment(segment: string): string | undefined {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * Ordinal-ignore-case folding as .NET does it: each UTF-16 unit mapped to its simple upper case, so the
 * length never changes (indices found in the folded text are valid in the original).
 */
function foldCase(s: string): string {
  if (ASCII_ONLY.test(s)) return s.toUpperCase();
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const unit = s.charAt(i);
    const upper = unit.toUpperCase();
    out += upper.length === 1 ? upper : unit;
  }
  return out;
}

function matchSegments(segments: readonly Segment[], request: RequestPath): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === 'catchAll') {
      return matchCatchAll(segment.param, request, i, params) ? params : undefined;
    }
    if (i >= request.count) {
      // Only omittable segments remain (the caller checked minSegments).
      if (segment.kind === 'param' && segment.param.defaultValue !== undefined) {
        params[segment.param.name] = segment.param.defaultValue;
      }
      continue;
    }
    if (segment.kind === 'literal') {
      if (request.folded[i] !== segment.folded) return undefined;
      continue;
    }
    const value = request.decoded[i];
    if (value === undefined) return undefined;
    if (segment.kind === 'param') {
      if (!satisfies(segment.param, value)) return undefined;
      params[segment.param.name] = value;
    } else if (!matchComplex(segment, value, request.folded[i] ?? '', params)) {
      return undefined;
    }
  }
  return params;
}

function matchCatchAll(param: Param, request: RequestPath, from: number, params: Record<string, string>): boolean {
  if (from >= request.count) {
    if (param.defaultValue !== undefined) {
      params[param.name] = param.defaultValue;
      return true;
    }
    // As in ASP.NET Core, a constraint fails when the value is missing.
    return param.constraints.length === 0;
  }
  let value = '';
  for (let i = from; i < request.count; i++) {
    const segment = request.decoded[i];
    if (segment === undefined) return false;
    value = i === from ? segment : `${value}/${segment}`;
  }
  if (!satisfies(param, value)) return false;
  params[param.name] = value;
  return true;
}

function satisfies(param: Param, value: string): boolean {
  for (const constraint of param.constraints) if (!constraint.test(value)) return false;
  return true;
}

function matchComplex(
  segment: Extract<Segment, { kind: 'complex' }>,
  value: string,
  folded: string,
  params: Record<string, string>,
): boolean {
  if (matchParts(segment.parts, value, folded, params)) return true;
  // `{name}.{ext?}`: retry without the optional part, unless the segment ends with the period itself.
  if (segment.withoutOptional === undefined || value.endsWith('.')) return false;
  return matchParts(segment.withoutOptional, value, folded, params);
}

/**
 * Matches alternating literal/parameter parts from right to left, as ASP.NET Core does: each literal is the
 * right-most occurrence that leaves at least one character for the parameter after it; the left-most part is
 * anchored at the start of the segment. Parameters never get an empty value.
 */
function matchParts(parts: readonly ComplexPart[], value: string, folded: string, params: Record<string, string>): boolean {
  const bound: [Param, string][] = [];
  let end = value.length;
  let pending: Param | undefined;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    if (part.kind === 'param') {
      pending = part.param;
      if (i === 0) {
        if (end === 0) return false;
        bound.push([pending, value.slice(0, end)]);
        end = 0;
      }
      continue;
    }
    const literal = part.folded;
    let start: number;
    if (pending === undefined) {
      // Right-most part: must end the segment.
      if (end < literal.length || !folded.endsWith(literal)) return false;
      start = end - literal.length;
    } else if (i === 0) {
      if (literal.length >= end || !folded.startsWith(literal)) return false;
      start = 0;
    } else {
      const from = end - 1 - literal.length;
      if (from < 0) return false;
      start = folded.lastIndexOf(literal, from);
      if (start < 0) return false;
    }
    if (pending !== undefined) {
      bound.push([pending, value.slice(start + literal.length, end)]);
      pending = undefined;
    }
    end = start;
  }
  if (end !== 0) return false;
  for (const [param, v] of bound) if (!satisfies(param, v)) return false;
  for (const [param, v] of bound) params[param.name] = v;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Precedence and ambiguity

function comparePrecedence(a: CompiledRoute, b: CompiledRoute): number {
  const n = Math.min(a.digits.length, b.digits.length);
  for (let i = 0; i < n; i++) {
    const diff = (a.digits[i] ?? 0) - (b.digits[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (a.digits.length !== b.digits.length) return a.digits.length - b.digits.length;
  return (
    compareOrdinal(a.sortText, b.sortText) ||
    compareOrdinal(a.template, b.template) ||
    compareOrdinal(a.functionName, b.functionName) ||
    a.index - b.index
  );
}

function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertNoAmbiguity(routes: readonly CompiledRoute[]): void {
  for (let i = 0; i < routes.length; i++) {
    const a = routes[i]!;
    for (let j = i + 1; j < routes.length; j++) {
      const b = routes[j]!;
      if (a.shape !== b.shape) continue;
      const shared = sharedMethods(a, b);
      if (shared === undefined) continue;
      throw new Error(
        `Ambiguous HTTP routes: function "${a.functionName}" ("${a.template}") and function "${b.functionName}" ` +
          `("${b.template}") match the same requests for ${shared}`,
      );
    }
  }
}

function sharedMethods(a: CompiledRoute, b: CompiledRoute): string | undefined {
  if (a.allMethods && b.allMethods) return 'all methods';
  if (a.allMethods) return [...b.methods].sort().join(', ');
  if (b.allMethods) return [...a.methods].sort().join(', ');
  const common = [...a.methods].filter((m) => b.methods.has(m));
  return common.length === 0 ? undefined : common.sort().join(', ');
}

// ---------------------------------------------------------------------------------------------------------
// Template compilation

type Fail = (reason: string) => never;

function joinPrefix(routePrefix: string, route: string): string {
  const prefix = routePrefix.replace(/^\/+|\/+$/g, '');
  const template = route.startsWith('/') ? route.slice(1) : route;
  if (prefix === '') return template;
  if (template === '') return prefix;
  return `${prefix}/${template}`;
}

function compileRoute(def: RouteDefinition, routePrefix: string, index: number): CompiledRoute {
  const template = joinPrefix(routePrefix, def.route);
  const fail: Fail = (reason) => {
    throw new Error(`Invalid route template "${template}" for function "${def.functionName}": ${reason}`);
  };
  const methods = new Set<string>();
  for (const m of def.methods) {
    const verb = m.trim().toUpperCase();
    if (verb === '') fail('empty HTTP method name');
    methods.add(verb);
  }

  const parsed = tokenize(template.endsWith('/') ? template.slice(0, -1) : template, fail);
  const segments: Segment[] = [];
  const digits: number[] = [];
  const shapes: string[] = [];
  const names = new Set<string>();
  for (let i = 0; i < parsed.length; i++) {
    const parts = parsed[i]!;
    for (const part of parts) {
      if (part.kind !== 'param') continue;
      const key = part.param.name.toUpperCase();
      if (names.has(key)) fail(`parameter "${part.param.name}" appears more than once`);
      names.add(key);
    }
    const compiled = compileSegment(parts, i === parsed.length - 1, fail);
    segments.push(compiled.segment);
    digits.push(compiled.digit);
    shapes.push(compiled.shape);
  }

  // Omittable segments (optional, defaulted, catch-all) must all be at the end for the omission to work.
  let minSegments = segments.length;
  while (minSegments > 0 && isOmittable(segments[minSegments - 1]!)) minSegments--;
  for (let i = 0; i < minSegments; i++) {
    const segment = segments[i]!;
    if (segment.kind === 'param' && segment.param.optional) {
      fail(`optional parameter "${segment.param.name}" must be followed only by optional segments`);
    }
  }
  const last = segments[segments.length - 1];
  const maxSegments = last?.kind === 'catchAll' ? Number.POSITIVE_INFINITY : segments.length;
  // A defaulted parameter before a required segment is never omitted, so it has the shape of a plain one.
  const shape = segments
    .map((segment, i) => {
      if (segment.kind === 'param' && i < minSegments) return paramShape(segment.param, false);
      return shapes[i] ?? '';
    })
    .join('/');

  return {
    functionName: def.functionName,
    template,
    sortText: foldCase(template),
    index,
    allMethods: methods.size === 0,
    methods,
    segments,
    digits,
    minSegments,
    maxSegments,
    shape,
  };
}

function isOmittable(segment: Segment): boolean {
  if (segment.kind === 'catchAll') return true;
  return segment.kind === 'param' && (segment.param.optional || segment.param.defaultValue !== undefined);
}

/** Splits a template into segments of literal/parameter parts, handling `{{`/`}}` escapes. */
function tokenize(template: string, fail: Fail): Part[][] {
  if (template === '') return [];
  const segments: Part[][] = [];
  let parts: Part[] = [];
  let literal = '';
  const flushLiteral = () => {
    if (literal !== '') parts.push({ kind: 'literal', text: literal });
    literal = '';
  };
  let i = 0;
  while (i < template.length) {
    const ch = template.charAt(i);
    const next = template.charAt(i + 1);
    if (ch === '{' && next === '{') {
      literal += '{';
      i += 2;
    } else if (ch === '}' && next === '}') {
      literal += '}';
      i += 2;
    } else if (ch === '}') {
      fail(`unmatched '}' at position ${i}`);
    } else if (ch === '{') {
      let j = i + 1;
      let content = '';
      for (;;) {
        if (j >= template.length) fail(`unmatched '{' at position ${i}`);
        const c = template.charAt(j);
        const after = template.charAt(j + 1);
        if (c === '}' && after === '}') {
          content += '}';
          j += 2;
        } else if (c === '}') {
          break;
        } else if (c === '{' && after === '{') {
          content += '{';
          j += 2;
        } else if (c === '{') {
          fail(`unescaped '{' inside a parameter at position ${j}`);
        } else {
          content += c;
          j++;
        }
      }
      flushLiteral();
      const previous = parts[parts.length - 1];
      if (previous?.kind === 'param') {
        fail('a segment cannot contain two consecutive parameters; separate them with a literal or a slash');
      }
      parts.push({ kind: 'param', param: parseParameter(content, fail) });
      i = j + 1;
    } else if (ch === '/') {
      flushLiteral();
      if (parts.length === 0) fail('empty segment (consecutive or leading slashes)');
      segments.push(parts);
      parts = [];
      i++;
    } else {
      literal += ch;
      i++;
    }
  }
  flushLiteral();
  if (parts.length === 0) fail('empty segment (consecutive or trailing slashes)');
  segments.push(parts);
  return segments;
}

const INVALID_NAME_CHARS = /[/{}?*=:]/;

/** Parses the text between braces: `[*|**]name[:constraint[(args)]]...[=default|?]`. */
function parseParameter(content: string, fail: Fail): Param {
  const length = content.length;
  let pos = 0;
  let catchAll = false;
  if (content.startsWith('**')) {
    catchAll = true;
    pos = 2;
  } else if (content.startsWith('*')) {
    catchAll = true;
    pos = 1;
  }
  const isStop = (p: number): boolean => {
    const c = content.charAt(p);
    return c === ':' || c === '=' || (c === '?' && p === length - 1);
  };
  const nameStart = pos;
  while (pos < length && !isStop(pos)) pos++;
  const name = content.slice(nameStart, pos);
  if (name === '') fail(`parameter "{${content}}" has no name`);
  if (INVALID_NAME_CHARS.test(name)) fail(`invalid parameter name "${name}"`);
  if (name === '__proto__') fail('"__proto__" cannot be a parameter name');

  const constraints: Constraint[] = [];
  while (content.charAt(pos) === ':') {
    pos++;
    const start = pos;
    while (pos < length && content.charAt(pos) !== '(' && !isStop(pos)) pos++;
    const constraintName = content.slice(start, pos);
    let args: string | undefined;
    if (content.charAt(pos) === '(') {
      // The argument ends at the first ')' that ends the constraint (regex arguments may contain parentheses).
      let close = pos + 1;
      while (close < length && !(content.charAt(close) === ')' && (close === length - 1 || isStop(close + 1)))) {
        close++;
      }
      if (close >= length) fail(`constraint "${constraintName}" of parameter "${name}" has no closing ')'`);
      args = content.slice(pos + 1, close);
      pos = close + 1;
    }
    constraints.push(buildConstraint(constraintName, args, name, fail));
  }

  let optional = false;
  let defaultValue: string | undefined;
  if (pos < length) {
    if (content.charAt(pos) === '=') {
      defaultValue = content.slice(pos + 1);
      if (defaultValue.endsWith('?')) fail(`optional parameter "${name}" cannot have a default value`);
      if (defaultValue === '') fail(`parameter "${name}" has an empty default value`);
    } else if (content.charAt(pos) === '?' && pos === length - 1) {
      optional = true;
    } else {
      fail(`cannot parse parameter "{${content}}"`);
    }
  }
  if (catchAll && optional) fail(`catch-all parameter "${name}" cannot be marked optional`);
  const param: Param = { name, constraints, optional, defaultValue, catchAll };
  if (defaultValue !== undefined && !satisfies(param, defaultValue)) {
    fail(`default value "${defaultValue}" of parameter "${name}" does not satisfy its constraints`);
  }
  return param;
}

function paramShape(param: Param, omittable = param.optional || param.defaultValue !== undefined): string {
  const constraints = param.constraints
    .map((c) => c.key)
    .sort()
    .join(':');
  return `{${param.catchAll ? '*' : ''}${constraints === '' ? '' : `:${constraints}`}${omittable ? '?' : ''}}`;
}

function compileSegment(parts: readonly Part[], isLast: boolean, fail: Fail): { segment: Segment; digit: number; shape: string } {
  for (const part of parts) {
    if (part.kind === 'literal' && part.text.includes('?')) {
      fail(`literal "${part.text}" cannot contain '?'`);
    }
  }
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.kind === 'literal') {
    const folded = foldCase(only.text);
    return { segment: { kind: 'literal', folded }, digit: 1, shape: JSON.stringify(folded) };
  }
  if (only?.kind === 'param') {
    const param = only.param;
    const constrained = param.constraints.length > 0;
    if (param.catchAll) {
      if (!isLast) fail(`catch-all parameter "${param.name}" must be in the last segment`);
      return { segment: { kind: 'catchAll', param }, digit: constrained ? 4 : 5, shape: paramShape(param) };
    }
    return { segment: { kind: 'param', param }, digit: constrained ? 2 : 3, shape: paramShape(param) };
  }

  // Complex segment: literals and parameters alternate (the tokenizer rejects adjacent parameters).
  const compiled: ComplexPart[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.kind === 'literal') {
      compiled.push({ kind: 'literal', folded: foldCase(part.text) });
      continue;
    }
    const p = part.param;
    if (p.catchAll) fail(`catch-all parameter "${p.name}" cannot share a segment with other text`);
    if (p.defaultValue !== undefined) fail(`parameter "${p.name}" in a complex segment cannot have a default value`);
    if (p.optional) {
      const before = parts[i - 1];
      if (i !== parts.length - 1) fail(`optional parameter "${p.name}" must be at the end of its segment`);
      if (before?.kind !== 'literal' || !before.text.endsWith('.')) {
        fail(`optional parameter "${p.name}" in a complex segment must be preceded by a period`);
      }
    }
    compiled.push({ kind: 'param', param: p });
  }
  let withoutOptional: ComplexPart[] | undefined;
  const lastPart = parts[parts.length - 1];
  if (lastPart?.kind === 'param' && lastPart.param.optional) {
    withoutOptional = compiled.slice(0, -2);
    const separator = parts[parts.length - 2];
    const rest = separator?.kind === 'literal' ? separator.text.slice(0, -1) : '';
    if (rest !== '') withoutOptional.push({ kind: 'literal', folded: foldCase(rest) });
  }
  const shape = parts.map((p) => (p.kind === 'literal' ? JSON.stringify(foldCase(p.text)) : paramShape(p.param))).join('');
  return { segment: { kind: 'complex', parts: compiled, withoutOptional }, digit: 2, shape };
}

// ---------------------------------------------------------------------------------------------------------
// Constraints (ASP.NET Core's default constraint map, invariant culture)

/** .NET NumberStyles white space: U+0009..U+000D and U+0020. */
const INTEGER_TEXT = /^[\t\n\v\f\r ]*([+-]?)(\d+)[\t\n\v\f\r ]*$/;
const DECIMAL_TEXT = /^[\t\n\v\f\r ]*([+-]?)((?:\d[\d,]*)?)(?:\.(\d*))?([+-]?)[\t\n\v\f\r ]*$/;
const FLOAT_TEXT = /^[\t\n\v\f\r ]*[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[\t\n\v\f\r ]*$/;
const FLOAT_SYMBOL = /^[\t\n\v\f\r ]*[+-]?(?:infinity|nan)[\t\n\v\f\r ]*$/i;
const BOOL_TEXT = /^[\s\0]*(?:true|false)[\s\0]*$/i;
const ALPHA_TEXT = /^[a-z]*$/i;
const GUID_D = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GUID_N = /^[0-9a-f]{32}$/i;
const GUID_B = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i;
const GUID_P = /^\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)$/i;
const GUID_X = /^\{0x[0-9a-f]{1,8},0x[0-9a-f]{1,4},0x[0-9a-f]{1,4},\{0x[0-9a-f]{1,2}(?:,0x[0-9a-f]{1,2}){7}\}\}$/i;
const TIME_PART = '(?:[T ](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.\\d{1,7})?)?(?:Z|[+-](\\d{2}):?(\\d{2}))?)?';
const DATE_YMD = new RegExp(`^(\\d{4})[-/](\\d{1,2})[-/](\\d{1,2})${TIME_PART}$`, 'i');
const DATE_MDY = new RegExp(`^(\\d{1,2})/(\\d{1,2})/(\\d{4})${TIME_PART}$`, 'i');
const ARG_COUNT = /^\s*\d+\s*$/;
const ARG_LONG = /^\s*[+-]?\d+\s*$/;

const INT32: readonly [bigint, bigint] = [-2147483648n, 2147483647n];
const INT64: readonly [bigint, bigint] = [-9223372036854775808n, 9223372036854775807n];
const DECIMAL_MAX = 79228162514264337593543950335n;

/** `long.TryParse(value, NumberStyles.Integer, InvariantCulture)`; also used for int. */
function parseInteger(value: string, [min, max]: readonly [bigint, bigint]): bigint | undefined {
  const m = INTEGER_TEXT.exec(value);
  if (m === null) return undefined;
  const magnitude = BigInt(m[2] ?? '');
  const n = m[1] === '-' ? -magnitude : magnitude;
  return n < min || n > max ? undefined : n;
}

/** `decimal.TryParse(value, NumberStyles.Number, InvariantCulture)`: signs, thousands, no exponent. */
function isDecimal(value: string): boolean {
  const m = DECIMAL_TEXT.exec(value);
  if (m === null) return false;
  const [, lead = '', whole = '', fraction = '', trail = ''] = m;
  if (lead !== '' && trail !== '') return false;
  if (whole === '' && fraction === '') return false;
  return whole === '' || BigInt(whole.replace(/,/g, '')) <= DECIMAL_MAX;
}

/** `double.TryParse(value, NumberStyles.Float | AllowThousands, InvariantCulture)`; overflow gives ±∞ (.NET Core 3+). */
function isFloat(value: string): boolean {
  return FLOAT_TEXT.test(value) || FLOAT_SYMBOL.test(value);
}

function isGuid(value: string): boolean {
  const v = value.trim();
  return GUID_D.test(v) || GUID_N.test(v) || GUID_B.test(v) || GUID_P.test(v) || GUID_X.test(v);
}

/**
 * Approximates `DateTime.TryParse(value, InvariantCulture)` for the forms a URL can carry: ISO 8601
 * (`2024-01-31`, `2024-01-31T10:20:30.5Z`, with an offset), `yyyy/MM/dd` and the invariant `MM/dd/yyyy`,
 * each with an optional time; the date and time must exist. Month names and AM/PM are not recognised.
 */
function isDateTime(value: string): boolean {
  const v = value.trim();
  let year: number;
  let month: number;
  let day: number;
  let rest: RegExpExecArray;
  const ymd = DATE_YMD.exec(v);
  if (ymd !== null) {
    [year, month, day] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
    rest = ymd;
  } else {
    const mdy = DATE_MDY.exec(v);
    if (mdy === null) return false;
    [month, day, year] = [Number(mdy[1]), Number(mdy[2]), Number(mdy[3])];
    rest = mdy;
  }
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  const num = (x: string | undefined): number => (x === undefined ? 0 : Number(x));
  return num(rest[4]) <= 23 && num(rest[5]) <= 59 && num(rest[6]) <= 59 && num(rest[7]) <= 14 && num(rest[8]) <= 59;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function buildConstraint(rawName: string, args: string | undefined, param: string, fail: Fail): Constraint {
  const name = rawName.toLowerCase();
  const where = `constraint "${rawName}" of parameter "${param}"`;
  const noArgs = (test: ValueTest): Constraint => {
    if (args !== undefined) fail(`${where} takes no arguments`);
    return { key: name, test };
  };
  const argList = (count: readonly number[]): string[] => {
    if (args === undefined) fail(`${where} needs an argument`);
    const list = args.split(',');
    if (!count.includes(list.length)) fail(`${where} takes ${count.join(' or ')} argument(s)`);
    return list;
  };
  const count = (text: string): number => {
    if (!ARG_COUNT.test(text)) fail(`${where}: "${text}" is not a non-negative integer`);
    return Number(text.trim());
  };
  const long = (text: string): bigint => {
    const n = ARG_LONG.test(text) ? parseInteger(text, INT64) : undefined;
    if (n === undefined) fail(`${where}: "${text}" is not a 64-bit integer`);
    return n;
  };
  const key = () => `${name}(${args ?? ''})`;

  switch (name) {
    case 'int':
      return noArgs((v) => parseInteger(v, INT32) !== undefined);
    case 'long':
      return noArgs((v) => parseInteger(v, INT64) !== undefined);
    case 'bool':
      return noArgs((v) => BOOL_TEXT.test(v));
    case 'guid':
      return noArgs(isGuid);
    case 'datetime':
      return noArgs(isDateTime);
    case 'decimal':
      return noArgs(isDecimal);
    case 'double':
    case 'float':
      return noArgs(isFloat);
    case 'alpha':
      return noArgs((v) => ALPHA_TEXT.test(v));
    case 'required':
      return noArgs((v) => v !== '');
    case 'minlength': {
      const [min = ''] = argList([1]);
      const n = count(min);
      return { key: key(), test: (v) => v.length >= n };
    }
    case 'maxlength': {
      const [max = ''] = argList([1]);
      const n = count(max);
      return { key: key(), test: (v) => v.length <= n };
    }
    case 'length': {
      const list = argList([1, 2]);
      const min = count(list[0] ?? '');
      const max = list.length === 2 ? count(list[1] ?? '') : min;
      if (min > max) fail(`${where}: minimum ${min} is greater than maximum ${max}`);
      return { key: key(), test: (v) => v.length >= min && v.length <= max };
    }
    case 'min': {
      const [text = ''] = argList([1]);
      const min = long(text);
      return { key: key(), test: (v) => (parseInteger(v, INT64) ?? min - 1n) >= min };
    }
    case 'max': {
      const [text = ''] = argList([1]);
      const max = long(text);
      return { key: key(), test: (v) => (parseInteger(v, INT64) ?? max + 1n) <= max };
    }
    case 'range': {
      const [a = '', b = ''] = argList([2]);
      const min = long(a);
      const max = long(b);
      if (min > max) fail(`${where}: minimum ${min} is greater than maximum ${max}`);
      return {
        key: key(),
        test: (v) => {
          const n = parseInteger(v, INT64);
          return n !== undefined && n >= min && n <= max;
        },
      };
    }
    case 'regex': {
      // The whole argument is the pattern (commas included). Like ASP.NET Core: case-insensitive and NOT
      // anchored, so write ^...$ to match the whole value. JavaScript regex syntax applies.
      if (args === undefined || args === '') fail(`${where} needs a pattern`);
      let pattern: RegExp;
      try {
        pattern = new RegExp(args, 'i');
      } catch (error) {
        return fail(`${where}: invalid regular expression: ${(error as Error).message}`);
      }
      return { key: key(), test: (v) => pattern.test(v) };
    }
    default:
      return fail(`unknown constraint "${rawName}" on parameter "${param}"`);
  }
}
