/**
 * The tokens of DynamoDB's expression language (condition, filter, key condition, update and
 * projection expressions): names (`Price`, keywords and function names alike), expression
 * attribute names (`#n`), expression attribute values (`:v`), list indexes (digits) and
 * punctuation. Keywords are names the parser recognises, case-insensitively.
 *
 * Sources: "Comparison operator and function reference"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html),
 * "Specifying item attributes when using expressions" (document paths `a.b[2].c`,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.Attributes.html).
 */
export type TokenKind = 'name' | 'attributeName' | 'attributeValue' | 'index' | 'punct' | 'bad' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offsets into the expression text, `[start, end)`. */
  readonly start: number;
  readonly end: number;
}

const PUNCTUATION = ['<>', '<=', '>=', '(', ')', '[', ']', ',', '.', '=', '<', '>', '+', '-'];

/** Splits an expression into tokens; characters that start no token become one `bad` token each. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (isNameStart(c)) {
      while (i < text.length && isNamePart(text[i]!)) i++;
      tokens.push({ kind: 'name', text: text.slice(start, i), start, end: i });
      continue;
    }
    if (isDigit(c)) {
      while (i < text.length && isDigit(text[i]!)) i++;
      tokens.push({ kind: 'index', text: text.slice(start, i), start, end: i });
      continue;
    }
    if (c === '#' || c === ':') {
      i++;
      while (i < text.length && isNamePart(text[i]!)) i++;
      // A lone '#' or ':' is a bad token (DynamoDB: `Syntax error; token: "#"`).
      const kind = i - start === 1 ? 'bad' : c === '#' ? 'attributeName' : 'attributeValue';
      tokens.push({ kind, text: text.slice(start, i), start, end: i });
      continue;
    }
    const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
    i += punct?.length ?? 1;
    tokens.push({ kind: punct === undefined ? 'bad' : 'punct', text: text.slice(start, i), start, end: i });
  }
  tokens.push({ kind: 'eof', text: '<EOF>', start: text.length, end: text.length });
  return tokens;
}

function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isNamePart(c: string): boolean {
  return isNameStart(c) || isDigit(c);
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
