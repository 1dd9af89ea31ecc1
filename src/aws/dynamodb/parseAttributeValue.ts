import type { ItemValue, StoredItem } from '../../services/itemValue.js';
import { formatNumber, normalizeDecimal } from '../../services/attributeValue.js';
import { validation } from './DynamoDbError.js';

const INVALID = 'One or more parameter values were invalid';

/** DynamoDB's number limits: 38 significant digits, magnitude 1E-130 to 9.9999…E+125. */
const MAX_DIGITS = 38;
const MAX_EXPONENT = 125;
const MIN_EXPONENT = -130;

/** A wire item (attribute name → AttributeValue) as stored values; throws ValidationException. */
export function itemFromWire(wire: unknown, field: string): StoredItem {
  if (wire === null || typeof wire !== 'object' || Array.isArray(wire))
    throw validation(`${INVALID}: ${field} must be a map of attribute values`);
  const out: StoredItem = {};
  for (const [name, value] of Object.entries(wire)) {
    if (name === '') throw validation(`${INVALID}: An attribute name in ${field} is empty`);
    out[name] = fromWire(value);
  }
  return out;
}

/** One AttributeValue as a stored value (see `src/services/itemValue.ts`); throws ValidationException. */
export function fromWire(value: unknown): ItemValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  if (keys.length === 0)
    throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  if (keys.length > 1)
    throw validation(
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    );
  const type = keys[0]!;
  const v = (value as Record<string, unknown>)[type];
  switch (type) {
    case 'S':
      return expectString(v, type);
    case 'N':
      return parseNumber(expectString(v, type));
    case 'B':
      return parseBinary(v);
    case 'BOOL':
      if (typeof v !== 'boolean') throw validation(`${INVALID}: BOOL must be true or false`);
      return v;
    case 'NULL':
      if (v !== true) throw validation(`${INVALID}: Null attribute value types must have the value of true`);
      return null;
    case 'L':
      if (!Array.isArray(v)) throw validation(`${INVALID}: L must be a list of attribute values`);
      return v.map(fromWire);
    case 'M': {
      if (v === null || typeof v !== 'object' || Array.isArray(v))
        throw validation(`${INVALID}: M must be a map of attribute values`);
      const out: Record<string, ItemValue> = {};
      for (const [k, x] of Object.entries(v)) out[k] = fromWire(x);
      return out;
    }
    case 'SS':
    case 'NS':
    case 'BS':
      return parseSet(type, v);
    default:
      throw validation(`${INVALID}: unknown AttributeValue type ${JSON.stringify(type)}`);
  }
}

function expectString(v: unknown, type: string): string {
  if (typeof v !== 'string') throw validation(`${INVALID}: ${type} must be a string`);
  return v;
}

function parseBinary(v: unknown): Uint8Array {
  if (typeof v !== 'string') throw validation(`${INVALID}: B must be base64 text`);
  return new Uint8Array(Buffer.from(v, 'base64'));
}

function parseSet(type: 'SS' | 'NS' | 'BS', v: unknown): ItemValue {
  const kind = type === 'SS' ? 'string' : type === 'NS' ? 'number' : 'binary';
  if (!Array.isArray(v) || v.length === 0) throw validation(`${INVALID}: An ${kind} set  may not be empty`);
  const members = v.map((x) =>
    type === 'BS'
      ? parseBinary(x)
      : type === 'NS'
        ? parseNumber(expectString(x, type))
        : expectString(x, type),
  );
  const seen = new Set(members.map((m) => (m instanceof Uint8Array ? Buffer.from(m).toString('base64') : m)));
  if (seen.size !== members.length)
    throw validation(`${INVALID}: Input collection [${v.join(', ')}] contains duplicates.`);
  return new Set(members as never[]);
}

/**
 * A DynamoDB number (decimal text) as the JavaScript number the store keeps, so the protocol door
 * and the typed door (plain JS numbers) read and write the same values. DynamoDB's own limits are
 * checked first (38 significant digits, magnitude range); a valid DynamoDB number that a double
 * cannot hold exactly (e.g. `12345678901234567890`) is refused with a ValidationException that says
 * so, rather than silently rounded. `DynamoDBDocumentClient` makes the same choice by default: it
 * throws for such numbers unless `wrapNumbers` is set.
 * Source (limits): https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number
 */
export function parseNumber(text: string): number {
  const decimal = normalizeDecimal(text);
  if (decimal === undefined)
    throw validation(`The parameter cannot be converted to a numeric value: ${text}`);
  if (decimal.digits.length > MAX_DIGITS)
    throw validation('Attempting to store more than 38 significant digits in a Number');
  if (decimal.digits !== '0') {
    const magnitude = decimal.exponent + decimal.digits.length - 1;
    if (magnitude > MAX_EXPONENT)
      throw validation(
        'Number overflow. Attempting to store a number with magnitude larger than supported range',
      );
    if (magnitude < MIN_EXPONENT)
      throw validation(
        'Number underflow. Attempting to store a number with magnitude smaller than supported range',
      );
  }
  const n = Number(text.trim());
  const back = normalizeDecimal(formatNumber(n));
  if (
    back === undefined ||
    back.digits !== decimal.digits ||
    back.exponent !== decimal.exponent ||
    back.negative !== decimal.negative
  )
    throw validation(
      `lambdasim stores numbers as JavaScript numbers (shared with sim.table): ${text} has no exact double value; use at most 15 significant digits`,
    );
  return n === 0 ? 0 : n; // no -0
}
