/**
 * The custom query language (seed 004 ~21530–21560) parsed with chevrotain: a lexer and an LL(k) parser whose
 * errors carry the offending token. The grammar is the specification's, case-insensitive throughout:
 *   Query      := SELECT DISTINCT? Name (, Name)* FROM Name (WHERE Filter (AND Filter)*)?
 *                 (ORDER BY Name (ASC|DESC)? (, Name (ASC|DESC)?)*)? (LIMIT Integer)? (TIMESPAN Name)?
 *   Filter     := Name Operator Value;  Operator := = | != | > | < | >= | <= | LIKE | NOT LIKE | IN | NOT IN
 *   Value      := Number | String | ( Number (, Number)* ) | ( String (, String)* )
 * Names (datasets, columns, metrics, time spans) are checked against the datasets afterwards (query-check.ts), so
 * an unknown one is reported at its own token. String literals take any character but `'`, which is written `''`
 * (the specification's `[a-zA-Z0-9_]*` would refuse its own examples, `'%Contosso%'` and `'vm core image'`).
 */
import { createToken, EmbeddedActionsParser, EOF, Lexer, type IToken, type TokenType } from 'chevrotain';

/** Where a token sits: 1-based line and column, 0-based offset, and its text as written. */
export interface Located {
  text: string;
  offset: number;
  line: number;
  column: number;
}

export type Operator = '=' | '!=' | '>' | '<' | '>=' | '<=' | 'LIKE' | 'NOT LIKE' | 'IN' | 'NOT IN';
export type Literal = { kind: 'number'; value: number } | { kind: 'string'; value: string };

export interface FilterAst {
  column: Located;
  operator: Operator;
  /** A list for IN / NOT IN (and only there: query-check.ts refuses a list elsewhere). */
  value: Literal | Literal[];
  valueToken: Located;
}

export interface QueryAst {
  distinct: boolean;
  select: Located[];
  from: Located;
  where: FilterAst[];
  orderBy: { column: Located; direction: 'ASC' | 'DESC' }[];
  limit?: { value: number; token: Located };
  timespan?: Located;
}

export interface QueryError {
  message: string;
  token: Located;
}

export type ParseResult = { ok: true; ast: QueryAst } | { ok: false; error: QueryError };

const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
const keyword = (name: string) => createToken({ name, pattern: new RegExp(name, 'i'), longer_alt: Identifier });
const Select = keyword('SELECT');
const Distinct = keyword('DISTINCT');
const From = keyword('FROM');
const Where = keyword('WHERE');
const And = keyword('AND');
const Order = keyword('ORDER');
const By = keyword('BY');
const Asc = keyword('ASC');
const Desc = keyword('DESC');
const Limit = keyword('LIMIT');
const Timespan = keyword('TIMESPAN');
const Like = keyword('LIKE');
const Not = keyword('NOT');
const In = keyword('IN');
const NumberLiteral = createToken({ name: 'Number', pattern: /-?[0-9]+(?:\.[0-9]+)?/ });
const StringLiteral = createToken({ name: 'String', pattern: /'(?:[^']|'')*'/ });
const NotEquals = createToken({ name: 'NotEquals', pattern: /!=/ });
const GreaterEquals = createToken({ name: 'GreaterEquals', pattern: />=/ });
const LessEquals = createToken({ name: 'LessEquals', pattern: /<=/ });
const Equals = createToken({ name: 'Equals', pattern: /=/ });
const Greater = createToken({ name: 'Greater', pattern: />/ });
const Less = createToken({ name: 'Less', pattern: /</ });
const Comma = createToken({ name: 'Comma', pattern: /,/ });
const LParen = createToken({ name: 'LParen', pattern: /\(/ });
const RParen = createToken({ name: 'RParen', pattern: /\)/ });
const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });

const TOKENS: TokenType[] = [
  WhiteSpace,
  Select,
  Distinct,
  From,
  Where,
  And,
  Order,
  By,
  Asc,
  Desc,
  Limit,
  Timespan,
  Like,
  Not,
  In,
  Identifier,
  NumberLiteral,
  StringLiteral,
  NotEquals,
  GreaterEquals,
  LessEquals,
  Equals,
  Greater,
  Less,
  Comma,
  LParen,
  RParen,
];

const lexer = new Lexer(TOKENS, { positionTracking: 'full', ensureOptimizations: false });

function located(token: IToken): Located {
  return { text: token.image, offset: token.startOffset, line: token.startLine ?? 1, column: token.startColumn ?? 1 };
}

function literal(token: IToken): Literal {
  if (token.tokenType === NumberLiteral) return { kind: 'number', value: Number(token.image) };
  return { kind: 'string', value: token.image.slice(1, -1).replace(/''/g, "'") };
}

class QueryParser extends EmbeddedActionsParser {
  constructor() {
    super(TOKENS, { recoveryEnabled: false, maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  readonly name = this.RULE('name', () => {
    const token = this.CONSUME(Identifier);
    return this.ACTION(() => located(token));
  });

  readonly scalar = this.RULE('scalar', () =>
    this.OR([{ ALT: () => this.CONSUME(NumberLiteral) }, { ALT: () => this.CONSUME(StringLiteral) }]),
  );

  readonly list = this.RULE('list', () => {
    const open = this.CONSUME(LParen);
    const items: Literal[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const token = this.SUBRULE(this.scalar);
        this.ACTION(() => items.push(literal(token)));
      },
    });
    this.CONSUME(RParen);
    return { items, open };
  });

  readonly operator = this.RULE('operator', (): Operator => {
    return this.OR([
      { ALT: () => (this.CONSUME(Equals), '=' as const) },
      { ALT: () => (this.CONSUME(NotEquals), '!=' as const) },
      { ALT: () => (this.CONSUME(GreaterEquals), '>=' as const) },
      { ALT: () => (this.CONSUME(LessEquals), '<=' as const) },
      { ALT: () => (this.CONSUME(Greater), '>' as const) },
      { ALT: () => (this.CONSUME(Less), '<' as const) },
      { ALT: () => (this.CONSUME(Like), 'LIKE' as const) },
      { ALT: () => (this.CONSUME(In), 'IN' as const) },
      {
        ALT: () => {
          this.CONSUME(Not);
          return this.OR2([
            { ALT: () => (this.CONSUME2(Like), 'NOT LIKE' as const) },
            { ALT: () => (this.CONSUME2(In), 'NOT IN' as const) },
          ]);
        },
      },
    ]);
  });

  readonly filter = this.RULE('filter', (): FilterAst => {
    const column = this.SUBRULE(this.name);
    const operator = this.SUBRULE(this.operator);
    return this.OR<FilterAst>([
      {
        ALT: () => {
          const token = this.SUBRULE(this.scalar);
          return this.ACTION(() => ({ column, operator, value: literal(token), valueToken: located(token) }));
        },
      },
      {
        ALT: () => {
          const list = this.SUBRULE(this.list);
          return this.ACTION(() => ({ column, operator, value: list.items, valueToken: located(list.open) }));
        },
      },
    ]);
  });

  readonly query = this.RULE('query', (): QueryAst => {
    this.CONSUME(Select);
    let distinct = false;
    this.OPTION(() => {
      this.CONSUME(Distinct);
      distinct = true;
    });
    const select: Located[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => select.push(this.SUBRULE(this.name)) });
    this.CONSUME(From);
    const from = this.SUBRULE2(this.name);
    const where: FilterAst[] = [];
    this.OPTION2(() => {
      this.CONSUME(Where);
      this.AT_LEAST_ONE_SEP2({ SEP: And, DEF: () => where.push(this.SUBRULE(this.filter)) });
    });
    const orderBy: QueryAst['orderBy'] = [];
    this.OPTION3(() => {
      this.CONSUME(Order);
      this.CONSUME(By);
      this.AT_LEAST_ONE_SEP3({
        SEP: Comma,
        DEF: () => {
          const column = this.SUBRULE3(this.name);
          let direction: 'ASC' | 'DESC' = 'DESC';
          this.OPTION4(() => {
            direction = this.OR([{ ALT: () => (this.CONSUME(Asc), 'ASC' as const) }, { ALT: () => (this.CONSUME(Desc), 'DESC' as const) }]);
          });
          orderBy.push({ column, direction });
        },
      });
    });
    let limit: QueryAst['limit'];
    this.OPTION5(() => {
      this.CONSUME(Limit);
      const token = this.CONSUME(NumberLiteral);
      limit = this.ACTION(() => ({ value: Number(token.image), token: located(token) }));
    });
    let timespan: Located | undefined;
    this.OPTION6(() => {
      this.CONSUME(Timespan);
      timespan = this.SUBRULE4(this.name);
    });
    return {
      distinct,
      select,
      from,
      where,
      orderBy,
      ...(limit ? { limit } : {}),
      ...(timespan ? { timespan } : {}),
    };
  });
}

const parser = new QueryParser();

function endOf(text: string): Located {
  return { text: '', offset: text.length, line: text.split('\n').length, column: text.length - text.lastIndexOf('\n') };
}

/** What a parser error says, in words a query's author can act on. */
function describe(token: IToken, text: string): QueryError {
  if (token.tokenType === EOF) {
    return { message: 'The query ends too early: a clause is incomplete.', token: endOf(text) };
  }
  return { message: `Unexpected '${token.image}'.`, token: located(token) };
}

export function parseQuery(text: string): ParseResult {
  const lexed = lexer.tokenize(text);
  const lexError = lexed.errors[0];
  if (lexError) {
    const bad = text.slice(lexError.offset, lexError.offset + lexError.length);
    return {
      ok: false,
      error: {
        message: `Unexpected character '${bad}'.`,
        token: { text: bad, offset: lexError.offset, line: lexError.line ?? 1, column: lexError.column ?? 1 },
      },
    };
  }
  parser.input = lexed.tokens;
  const ast = parser.query();
  const parseError = parser.errors[0];
  if (parseError) return { ok: false, error: describe(parseError.token, text) };
  return { ok: true, ast };
}

/** "line 1, column 8 (offset 7), at 'Foo'": where an error points, for messages. */
export function position(token: Located): string {
  return `line ${token.line}, column ${token.column} (offset ${token.offset})${token.text === '' ? ', at the end' : `, at '${token.text}'`}`;
}
