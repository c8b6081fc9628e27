// A strict encoder: every key must be a field of the proto, every enum a known name, every Any a loaded type.
// protobufjs's own fromObject silently drops unknown fields — config would vanish without an error.
import protobuf from 'protobufjs';
import { protoFilesForType } from './plugin-protos.js';

export class EncodeError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

const TYPE_URL_PREFIX = 'type.googleapis.com/';
const WRAPPERS = new Set(
  ['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue'].map(
    (n) => `.google.protobuf.${n}`,
  ),
);
const INT_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

type Plain = Record<string, unknown>;

function isPlainObject(x: unknown): x is Plain {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);
}

/** Closest field name, for "did you mean" hints. */
function suggest(key: string, type: protobuf.Type): string {
  const lower = key.toLowerCase().replace(/_/g, '');
  const hit = Object.keys(type.fields).find((f) => f.toLowerCase() === lower);
  return hit ? ` (did you mean "${hit}"?)` : '';
}

type Special = 'any' | 'duration' | 'struct' | 'wrapper' | 'plain';

/** A field path for error messages; null while encoding optimistically (no error expected, none spelled out). */
type Path = string | null;

function at(path: Path, suffix = ''): string {
  return path === null ? '' : path + suffix;
}

export class StrictEncoder {
  /** What kind of message each type is, computed once (protobufjs derives fullName by walking parents). */
  private readonly special = new WeakMap<protobuf.Type, Special>();

  constructor(private readonly root: protobuf.Root) {}

  private kindOf(type: protobuf.Type): Special {
    let k = this.special.get(type);
    if (!k) {
      const full = type.fullName;
      k =
        full === '.google.protobuf.Any'
          ? 'any'
          : full === '.google.protobuf.Duration'
            ? 'duration'
            : full === '.google.protobuf.Struct'
              ? 'struct'
              : WRAPPERS.has(full)
                ? 'wrapper'
                : 'plain';
      this.special.set(type, k);
    }
    return k;
  }

  private readonly types = new Map<string, protobuf.Type>();

  lookupType(typeUrlOrName: string): protobuf.Type {
    let t = this.types.get(typeUrlOrName);
    if (t) return t;
    const name = typeUrlOrName.startsWith(TYPE_URL_PREFIX) ? typeUrlOrName.slice(TYPE_URL_PREFIX.length) : typeUrlOrName;
    try {
      t = this.root.lookupType(name);
    } catch {
      throw new EncodeError('@type', unknownType(name));
    }
    this.types.set(typeUrlOrName, t);
    return t;
  }

  /** Encodes an Envoy message of the given type URL to protobuf bytes. Throws EncodeError with a field path. */
  encode(typeUrl: string, message: Plain, path = ''): Uint8Array {
    const type = this.lookupType(typeUrl);
    // normalizeMessage checks every field, type and enum on the way; protobufjs's verify would repeat it.
    // Field paths are only spelled out to report an error: the first pass runs without them (null), and a failure
    // is re-run with paths for the message.
    let normalized: Plain;
    try {
      normalized = this.normalizeMessage(type, message, null);
    } catch (err) {
      if (!(err instanceof EncodeError)) throw err;
      normalized = this.normalizeMessage(type, message, path || type.name);
    }
    return type.encode(normalized).finish();
  }

  private readonly elements = new WeakMap<object, Uint8Array>();

  /**
   * One element of a repeated message field, encoded as it appears inside its parent (tag, length, bytes). Cached by
   * element object: an element that is the same object as last time is not encoded again. Concatenated after the
   * parent's other fields, the elements make a valid encoding of the whole (protobuf allows any field order).
   */
  encodeElement(typeUrl: string, field: string, element: Plain, index: number): Uint8Array {
    const cached = this.elements.get(element);
    if (cached) return cached;
    const type = this.lookupType(typeUrl);
    const f = type.fields[field];
    const elType = f?.resolvedType;
    if (!f?.repeated || !(elType instanceof protobuf.Type)) throw new EncodeError(`${type.name}.${field}`, 'not a repeated message field');
    let normalized: Plain;
    try {
      normalized = this.normalizeMessage(elType, element, null);
    } catch (err) {
      if (!(err instanceof EncodeError)) throw err;
      normalized = this.normalizeMessage(elType, element, `${type.name}.${field}[${index}]`);
    }
    const bytes = elType
      .encode(
        normalized,
        protobuf.Writer.create()
          .uint32((f.id << 3) | 2)
          .fork(),
      )
      .ldelim()
      .finish();
    this.elements.set(element, bytes);
    return bytes;
  }

  private normalizeMessage(type: protobuf.Type, value: unknown, path: Path): Plain {
    const kind = this.kindOf(type);
    if (kind === 'any') return this.normalizeAny(value, path);
    if (kind === 'duration' && typeof value === 'string') return parseDuration(value, path);
    if (kind === 'struct' && isPlainObject(value)) return jsonToStruct(value);
    if (kind === 'wrapper' && !isPlainObject(value)) return { value: this.normalizeScalar(type.fields['value']!, value, path) };
    if (!isPlainObject(value)) throw new EncodeError(at(path), `expected an object for ${type.fullName.slice(1)}, got ${describe(value)}`);
    // Copy on write: a subtree that needs no conversion is encoded as it is (most of a message, and no garbage).
    let out: Plain | undefined;
    let oneofSeen: Map<string, string> | undefined;
    const fields = type.fields;
    for (const key in value) {
      const v = value[key];
      if (v === undefined) continue;
      const field = fields[key];
      if (!field) throw new EncodeError(at(path, `.${key}`), `unknown field of ${type.fullName.slice(1)}${suggest(key, type)}`);
      if (field.partOf) {
        oneofSeen ??= new Map();
        const other = oneofSeen.get(field.partOf.name);
        if (other) throw new EncodeError(at(path, `.${key}`), `only one of "${other}" and "${key}" may be set (oneof ${field.partOf.name})`);
        oneofSeen.set(field.partOf.name, key);
      }
      const n = this.normalizeField(field, v, path === null ? null : `${path}.${key}`);
      if (n !== v && !out) {
        out = {};
        for (const k in value) {
          if (k === key) break;
          if (value[k] !== undefined) out[k] = value[k];
        }
      }
      if (out) out[key] = n;
    }
    return out ?? value;
  }

  private normalizeField(field: protobuf.Field, value: unknown, path: Path): unknown {
    if (field instanceof protobuf.MapField) {
      if (!isPlainObject(value)) throw new EncodeError(at(path), `expected a map (object), got ${describe(value)}`);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.normalizeSingle(field, v, path === null ? null : `${path}["${k}"]`)]));
    }
    if (field.repeated) {
      if (!Array.isArray(value)) throw new EncodeError(at(path), `expected a list, got ${describe(value)}`);
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const n = this.normalizeSingle(field, value[i], path === null ? null : `${path}[${i}]`);
        if (n !== value[i] && !out) out = value.slice(0, i);
        out?.push(n);
      }
      return out ?? value;
    }
    return this.normalizeSingle(field, value, path);
  }

  private normalizeSingle(field: protobuf.Field, value: unknown, path: Path): unknown {
    const rt = field.resolvedType;
    if (rt instanceof protobuf.Type) return this.normalizeMessage(rt, value, path);
    if (rt instanceof protobuf.Enum) {
      if (typeof value === 'string' && value in rt.values) return rt.values[value];
      if (typeof value === 'number' && value in rt.valuesById) return value;
      throw new EncodeError(at(path), `"${String(value)}" is not a value of ${rt.name} (one of ${Object.keys(rt.values).join(', ')})`);
    }
    return this.normalizeScalar(field, value, path);
  }

  private normalizeScalar(field: protobuf.Field, value: unknown, path: Path): unknown {
    const t = field.type;
    if (t === 'string') {
      if (typeof value !== 'string') throw new EncodeError(at(path), `expected a string, got ${describe(value)}`);
      return value;
    }
    if (t === 'bool') {
      if (typeof value !== 'boolean') throw new EncodeError(at(path), `expected true or false, got ${describe(value)}`);
      return value;
    }
    if (t === 'bytes') {
      if (value instanceof Uint8Array) return value;
      if (typeof value === 'string') return Buffer.from(value, 'base64');
      throw new EncodeError(at(path), `expected bytes, got ${describe(value)}`);
    }
    if (INT_TYPES.has(t)) {
      const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new EncodeError(at(path), `expected an integer, got ${describe(value)}`);
      if (t.startsWith('u') && n < 0) throw new EncodeError(at(path), `expected a non-negative integer, got ${n}`);
      return n;
    }
    if (typeof value !== 'number') throw new EncodeError(at(path), `expected a number, got ${describe(value)}`);
    return value;
  }

  private normalizeAny(value: unknown, path: Path): Plain {
    if (!isPlainObject(value)) throw new EncodeError(at(path), `expected a typed object with "@type", got ${describe(value)}`);
    if ('type_url' in value && 'value' in value && !('@type' in value)) return value; // already encoded
    const typeUrl = value['@type'];
    if (typeof typeUrl !== 'string') throw new EncodeError(at(path), 'a typed config needs "@type": "type.googleapis.com/<message>"');
    const { '@type': _omit, ...body } = value;
    let inner: protobuf.Type;
    try {
      inner = this.lookupType(typeUrl);
    } catch (err) {
      // Say where the unknown type is, not only what it is.
      if (err instanceof EncodeError) throw new EncodeError(at(path, '.@type'), err.reason);
      throw err;
    }
    const bytes = inner.encode(this.normalizeMessage(inner, body, path === null ? null : `${path}<${inner.name}>`)).finish();
    // protobufjs's built-in Any keeps the proto's snake_case field name.
    return { type_url: typeUrl, value: bytes };
  }
}

/** Says how to make a type known: the plugin emitting it declares its proto file. */
function unknownType(name: string): string {
  const files = protoFilesForType(name);
  const hint =
    files.length === 1
      ? `"${files[0]}"`
      : files.length > 1
        ? `one of ${files
            .slice(0, 6)
            .map((f) => `"${f}"`)
            .join(', ')}`
        : 'its .proto file';
  return `unknown message type ${name} (not in the loaded protos): the plugin that emits it must declare ${hint} in its \`protos\``;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function parseDuration(text: string, path: Path): Plain {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (!m) throw new EncodeError(at(path), `"${text}" is not a protobuf duration such as "1.5s"`);
  const sign = m[1] ? -1 : 1;
  const nanos = m[3] ? Number(m[3].padEnd(9, '0')) : 0;
  return { seconds: sign * Number(m[2]), nanos: sign * nanos };
}

function jsonToValue(v: unknown): Plain {
  if (v === null || v === undefined) return { nullValue: 0 };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(jsonToValue) } };
  return { structValue: jsonToStruct(v as Plain) };
}

export function jsonToStruct(obj: Plain): Plain {
  return { fields: Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, jsonToValue(v)])) };
}

/** google.protobuf.Struct (as decoded by protobufjs toObject) → plain JSON. */
export function structToJson(s: unknown): Plain {
  const fields = (s as { fields?: Record<string, unknown> } | undefined)?.fields ?? {};
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, valueToJson(v)]));
}

function valueToJson(v: unknown): unknown {
  const x = v as Plain;
  if ('stringValue' in x) return x['stringValue'];
  if ('numberValue' in x) return x['numberValue'];
  if ('boolValue' in x) return x['boolValue'];
  if ('structValue' in x) return structToJson(x['structValue']);
  if ('listValue' in x) return ((x['listValue'] as { values?: unknown[] }).values ?? []).map(valueToJson);
  return null;
}
