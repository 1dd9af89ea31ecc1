import type { ItemValue } from '../../../services/itemValue.js';
import { type TypeName, compareValues, typeOf } from '../../../services/attributeValue.js';
import { type DynamoDbError, validation } from '../DynamoDbError.js';
import { type Token, tokenize } from './lexer.js';

/*
 * A recursive-descent parser for DynamoDB's expression grammar, one function per rule below
 * (written for lambdasim from the AWS documentation, not taken from another emulator):
 *
 *   condition   ::= or
 *   or          ::= and ( OR and )*
 *   and         ::= not ( AND not )*
 *   not         ::= NOT not | primary
 *   primary     ::= '(' condition ')'
 *                 | boolfn '(' operand ( ',' operand )* ')'
 *                 | operand comparator operand
 *                 | operand BETWEEN operand AND operand
 *                 | operand IN '(' operand ( ',' operand )* ')'
 *   boolfn      ::= attribute_exists | attribute_not_exists | attribute_type | begins_with | contains
 *   comparator  ::= '=' | '<>' | '<' | '<=' | '>' | '>='
 *   operand     ::= path | ':value' | size '(' path ')'
 *   path        ::= element ( '.' element | '[' digits ']' )*
 *   element     ::= name | '#name'
 *
 *   update      ::= clause+            (each of SET, REMOVE, ADD, DELETE at most once)
 *   clause      ::= SET setAction ( ',' setAction )*
 *                 | REMOVE path ( ',' path )*
 *                 | ADD path ':value' ( ',' path ':value' )*
 *                 | DELETE path ':value' ( ',' path ':value' )*
 *   setAction   ::= path '=' setValue
 *   setValue    ::= setOperand ( ( '+' | '-' ) setOperand )?
 *   setOperand  ::= path | ':value'
 *                 | if_not_exists '(' path ',' setValue ')'
 *                 | list_append '(' setValue ',' setValue ')'
 *
 *   projection  ::= path ( ',' path )*
 *
 * Precedence, highest first: comparators, IN, BETWEEN, functions, parentheses, NOT, AND, OR
 * ("Precedence in conditions"). Keywords are case-insensitive; function names are case-sensitive
 * ("These function names are case sensitive").
 * Sources: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
 */

/** A document path with expression attribute names substituted: names and list indexes. */
export type Path = readonly (string | number)[];

export type Operand =
  | { readonly kind: 'path'; readonly path: Path }
  | { readonly kind: 'value'; readonly name: string; readonly value: ItemValue }
  | { readonly kind: 'size'; readonly path: Path };

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type BooleanFunction =
  'attribute_exists' | 'attribute_not_exists' | 'attribute_type' | 'begins_with' | 'contains';

export type ConditionNode =
  | { readonly kind: 'compare'; readonly op: Comparator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'between'; readonly operand: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: 'in'; readonly operand: Operand; readonly list: readonly Operand[] }
  | { readonly kind: 'function'; readonly name: BooleanFunction; readonly args: readonly Operand[] }
  | { readonly kind: 'and' | 'or'; readonly left: ConditionNode; readonly right: ConditionNode }
  | { readonly kind: 'not'; readonly condition: ConditionNode };

export type SetValue =
  | Operand
  | { readonly kind: 'ifNotExists'; readonly path: Path; readonly fallback: SetValue }
  | { readonly kind: 'listAppend'; readonly first: SetValue; readonly second: SetValue }
  | {
      readonly kind: 'arithmetic';
      readonly op: '+' | '-';
      readonly left: SetValue;
      readonly right: SetValue;
    };

export interface UpdateNode {
  readonly set: readonly { readonly path: Path; readonly value: SetValue }[];
  readonly remove: readonly Path[];
  readonly add: readonly { readonly path: Path; readonly value: ItemValue }[];
  readonly delete: readonly { readonly path: Path; readonly value: ItemValue }[];
}

/**
 * The request's ExpressionAttributeNames and ExpressionAttributeValues (values already decoded),
 * and which of them the request's expressions used: DynamoDB refuses unused ones.
 */
export class ExpressionContext {
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();
  constructor(
    readonly names: Readonly<Record<string, string>> | undefined,
    readonly values: Readonly<Record<string, ItemValue>> | undefined,
  ) {}
}

/** Which request parameter an expression came from, as DynamoDB's messages name it. */
export type ExpressionLabel =
  | 'ConditionExpression'
  | 'FilterExpression'
  | 'KeyConditionExpression'
  | 'UpdateExpression'
  | 'ProjectionExpression';

const BOOLEAN_FUNCTIONS: readonly string[] = [
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
  'begins_with',
  'contains',
];
const COMPARATORS: readonly string[] = ['=', '<>', '<', '<=', '>', '>='];
const CLAUSES = ['SET', 'REMOVE', 'ADD', 'DELETE'] as const;
type Clause = (typeof CLAUSES)[number];
/** DynamoDB: "The list can contain up to 100 values". */
const MAX_IN_OPERANDS = 100;
const FUNCTION_ARITY: Readonly<Record<string, number>> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
  if_not_exists: 2,
  list_append: 2,
};

/** Parses a condition, filter or key condition expression; throws DynamoDB's ValidationException. */
export function parseCondition(
  text: string,
  label: ExpressionLabel,
  context: ExpressionContext,
): ConditionNode {
  const parser = new Parser(text, label, context);
  const node = parser.condition();
  parser.expectEnd();
  return node;
}

/** Parses an update expression; throws DynamoDB's ValidationException. */
export function parseUpdate(text: string, context: ExpressionContext): UpdateNode {
  const parser = new Parser(text, 'UpdateExpression', context);
  const node = parser.update();
  parser.expectEnd();
  return node;
}

/** Parses a projection expression; throws DynamoDB's ValidationException. */
export function parseProjection(text: string, context: ExpressionContext): Path[] {
  const parser = new Parser(text, 'ProjectionExpression', context);
  const paths = [parser.path()];
  while (parser.accept(',')) paths.push(parser.path());
  parser.expectEnd();
  return paths;
}

/** A path as DynamoDB's messages print it: `[a, b, [2]]`. */
export function pathText(path: Path): string {
  return `[${path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join(', ')}]`;
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly label: ExpressionLabel,
    private readonly context: ExpressionContext,
  ) {
    if (text.trim() === '') throw this.error('The expression can not be empty;');
    this.tokens = tokenize(text);
  }

  // --- conditions ---------------------------------------------------------------------------

  condition(): ConditionNode {
    let left = this.and();
    while (this.acceptKeyword('OR')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): ConditionNode {
    let left = this.not();
    while (this.acceptKeyword('AND')) left = { kind: 'and', left, right: this.not() };
    return left;
  }

  private not(): ConditionNode {
    if (this.acceptKeyword('NOT')) return { kind: 'not', condition: this.not() };
    return this.primary();
  }

  private primary(): ConditionNode {
    if (this.accept('(')) {
      const inner = this.condition();
      this.expect(')');
      return inner;
    }
    const token = this.peek();
    if (token.kind === 'name' && this.peek(1).text === '(' && BOOLEAN_FUNCTIONS.includes(token.text)) {
      this.i++;
      const name = token.text as BooleanFunction;
      const args = this.arguments(name);
      this.checkBooleanFunction(name, args);
      return { kind: 'function', name, args };
    }
    const operand = this.operand();
    const next = this.peek();
    if (next.kind === 'punct' && COMPARATORS.includes(next.text)) {
      this.i++;
      return { kind: 'compare', op: next.text as Comparator, left: operand, right: this.operand() };
    }
    if (this.acceptKeyword('BETWEEN')) {
      const low = this.operand();
      this.expectKeyword('AND');
      const high = this.operand();
      this.checkBetween(low, high);
      return { kind: 'between', operand, low, high };
    }
    if (this.acceptKeyword('IN')) {
      this.expect('(');
      const list = [this.operand()];
      while (this.accept(',')) list.push(this.operand());
      this.expect(')');
      if (list.length > MAX_IN_OPERANDS)
        throw this.error(
          `The IN operator is provided with too many operands; number of operands: ${list.length}`,
        );
      return { kind: 'in', operand, list };
    }
    throw this.syntaxError(next);
  }

  private operand(): Operand {
    const token = this.peek();
    if (token.kind === 'attributeValue') {
      this.i++;
      return { kind: 'value', name: token.text, value: this.value(token.text) };
    }
    if (token.kind === 'name' && this.peek(1).text === '(') {
      this.i++;
      if (token.text !== 'size') throw this.functionMisuse(token.text);
      const args = this.arguments('size');
      const path = this.pathArgument('size', args[0]!);
      return { kind: 'size', path };
    }
    return { kind: 'path', path: this.path() };
  }

  /** `'(' operand (',' operand)* ')'` with the function's arity checked. */
  private arguments(name: string): Operand[] {
    this.expect('(');
    const args = [this.operand()];
    while (this.accept(',')) args.push(this.operand());
    this.expect(')');
    this.checkArity(name, args.length);
    return args;
  }

  private checkArity(name: string, count: number): void {
    if (FUNCTION_ARITY[name] !== count)
      throw this.error(
        `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${count}`,
      );
  }

  private pathArgument(name: string, operand: Operand): Path {
    if (operand.kind !== 'path')
      throw this.error(`Operator or function requires a document path; operator or function: ${name}`);
    return operand.path;
  }

  private checkBooleanFunction(name: BooleanFunction, args: Operand[]): void {
    this.pathArgument(name, args[0]!);
    const second = args[1];
    if (second?.kind !== 'value') return;
    const type = typeOf(second.value);
    if (name === 'attribute_type') {
      const types: readonly string[] = ['S', 'SS', 'N', 'NS', 'B', 'BS', 'BOOL', 'NULL', 'L', 'M'];
      if (type !== 'S' || !types.includes(second.value as string))
        throw this.error(
          `Invalid attribute type name found; type: ${type === 'S' ? (second.value as string) : type}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`,
        );
    }
    if (name === 'begins_with' && type !== 'S' && type !== 'B')
      throw this.error(
        `Incorrect operand type for operator or function; operator or function: begins_with, operand type: ${type}`,
      );
  }

  private checkBetween(low: Operand, high: Operand): void {
    if (low.kind !== 'value' || high.kind !== 'value') return;
    const bounds = `lower bound operand: AttributeValue: {${avText(low.value)}}, upper bound operand: AttributeValue: {${avText(high.value)}}`;
    const order = compareValues(low.value, high.value);
    if (typeOf(low.value) !== typeOf(high.value))
      throw this.error(`The BETWEEN operator requires same data type for lower and upper bounds; ${bounds}`);
    if (order !== undefined && order > 0)
      throw this.error(
        `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ${bounds}`,
      );
  }

  private functionMisuse(name: string): DynamoDbError {
    return BOOLEAN_FUNCTIONS.includes(name) || name === 'if_not_exists' || name === 'list_append'
      ? this.error(`The function is not allowed to be used this way in an expression; function: ${name}`)
      : this.error(`Invalid function name; function: ${name}`);
  }

  // --- update expressions -------------------------------------------------------------------

  update(): UpdateNode {
    const node = { set: [], remove: [], add: [], delete: [] } as {
      set: { path: Path; value: SetValue }[];
      remove: Path[];
      add: { path: Path; value: ItemValue }[];
      delete: { path: Path; value: ItemValue }[];
    };
    const seen = new Set<Clause>();
    do {
      const token = this.peek();
      const clause = CLAUSES.find((c) => token.kind === 'name' && token.text.toUpperCase() === c);
      if (clause === undefined) throw this.syntaxError(token);
      if (seen.has(clause))
        throw this.error(`The "${clause}" section can only be used once in an update expression;`);
      seen.add(clause);
      this.i++;
      do {
        if (clause === 'SET') {
          const path = this.path();
          this.expect('=');
          node.set.push({ path, value: this.setValue() });
        } else if (clause === 'REMOVE') {
          node.remove.push(this.path());
        } else {
          const path = this.path();
          const valueToken = this.peek();
          if (valueToken.kind !== 'attributeValue') throw this.syntaxError(valueToken);
          this.i++;
          const value = this.value(valueToken.text);
          this.checkAddDelete(clause, value);
          node[clause === 'ADD' ? 'add' : 'delete'].push({ path, value });
        }
      } while (this.accept(','));
    } while (this.peek().kind !== 'eof');
    return node;
  }

  private checkAddDelete(clause: 'ADD' | 'DELETE', value: ItemValue): void {
    const type = typeOf(value);
    const allowed: readonly TypeName[] = clause === 'ADD' ? ['N', 'SS', 'NS', 'BS'] : ['SS', 'NS', 'BS'];
    if (!allowed.includes(type))
      throw this.error(
        `Incorrect operand type for operator or function; operator: ${clause}, operand type: ${TYPE_WORDS[type]}`,
      );
  }

  private setValue(): SetValue {
    const left = this.setOperand();
    const op = this.peek();
    if (op.text === '+' || op.text === '-') {
      this.i++;
      return { kind: 'arithmetic', op: op.text, left, right: this.setOperand() };
    }
    return left;
  }

  private setOperand(): SetValue {
    const token = this.peek();
    if (token.kind === 'name' && this.peek(1).text === '(') {
      this.i++;
      if (token.text !== 'if_not_exists' && token.text !== 'list_append')
        throw this.functionMisuse(token.text);
      this.expect('(');
      const first = this.setValue();
      this.expect(',');
      const second = this.setValue();
      this.expect(')');
      if (token.text === 'list_append') return { kind: 'listAppend', first, second };
      if (first.kind !== 'path')
        throw this.error(
          'Operator or function requires a document path; operator or function: if_not_exists',
        );
      return { kind: 'ifNotExists', path: first.path, fallback: second };
    }
    if (token.kind === 'attributeValue') {
      this.i++;
      return { kind: 'value', name: token.text, value: this.value(token.text) };
    }
    return { kind: 'path', path: this.path() };
  }

  // --- paths, names, values -----------------------------------------------------------------

  path(): Path {
    const path: (string | number)[] = [this.element()];
    for (;;) {
      if (this.accept('.')) path.push(this.element());
      else if (this.accept('[')) {
        const index = this.peek();
        if (index.kind !== 'index') throw this.syntaxError(index);
        this.i++;
        this.expect(']');
        path.push(Number(index.text));
      } else return path;
    }
  }

  private element(): string {
    const token = this.peek();
    if (token.kind === 'attributeName') {
      this.i++;
      const name = this.context.names?.[token.text];
      if (name === undefined)
        throw this.error(
          `An expression attribute name used in the document path is not defined; attribute name: ${token.text}`,
        );
      this.context.usedNames.add(token.text);
      return name;
    }
    if (token.kind !== 'name') throw this.syntaxError(token);
    this.i++;
    return token.text;
  }

  private value(name: string): ItemValue {
    const value = this.context.values?.[name];
    if (value === undefined)
      throw this.error(
        `An expression attribute value used in expression is not defined; attribute value: ${name}`,
      );
    this.context.usedValues.add(name);
    return value;
  }

  // --- tokens and errors --------------------------------------------------------------------

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  accept(punct: string): boolean {
    const token = this.peek();
    if (token.kind !== 'punct' || token.text !== punct) return false;
    this.i++;
    return true;
  }

  private expect(punct: string): void {
    if (!this.accept(punct)) throw this.syntaxError(this.peek());
  }

  private acceptKeyword(keyword: string): boolean {
    const token = this.peek();
    if (token.kind !== 'name' || token.text.toUpperCase() !== keyword) return false;
    this.i++;
    return true;
  }

  private expectKeyword(keyword: string): void {
    if (!this.acceptKeyword(keyword)) throw this.syntaxError(this.peek());
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'eof') throw this.syntaxError(token);
  }

  private error(detail: string): DynamoDbError {
    return validation(`Invalid ${this.label}: ${detail}`);
  }

  /**
   * DynamoDB's syntax error: the unexpected token and the text from the token before it to the
   * token after it, e.g. `Syntax error; token: ":", near: "hits : incr"`.
   * Source: the messages DynamoDB returns, as quoted in public bug reports (aws/aws-cdk#7591,
   * localstack/localstack#2529).
   */
  private syntaxError(token: Token): DynamoDbError {
    const index = this.tokens.indexOf(token);
    const before = this.tokens[index - 1];
    const after = this.tokens[index + 1];
    const from = before?.start ?? token.start;
    const to = after !== undefined && after.kind !== 'eof' ? after.end : token.end;
    return this.error(`Syntax error; token: "${token.text}", near: "${this.text.slice(from, to)}"`);
  }
}

const TYPE_WORDS: Readonly<Record<TypeName, string>> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  SS: 'SET',
  NS: 'SET',
  BS: 'SET',
  BOOL: 'BOOLEAN',
  NULL: 'NULL',
  L: 'LIST',
  M: 'MAP',
};

/** A value as DynamoDB's messages print an AttributeValue: `N:5`, `S:abc`. */
function avText(value: ItemValue): string {
  const type = typeOf(value);
  return type === 'S' || type === 'N' ? `${type}:${String(value)}` : type;
}
