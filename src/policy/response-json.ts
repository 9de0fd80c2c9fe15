import { Decision, versionUsed } from './decision.ts';
import { type EvaluateResponse, outcomeOf } from './evaluate.types.ts';
import type { ResolvedParameter } from './parameter.types.ts';

/**
 * Writes evaluate responses as compact JSON straight into UTF-8 bytes — the same bytes as
 * `JSON.stringify` — for the CLI's big batches, without building a string per response (100,000
 * responses are ≈ 120 MB) or any other object per response:
 * - the shared `parameterVersions` entries and citations (frozen, the same objects in every
 *   decision that used them) are encoded once and copied;
 * - a decision's whole `parameterVersions` tail is kept per sequence of parameters used (decisions
 *   of one kind use the same ones in the same order) and copied in one piece;
 * - a member name is encoded once with its quotes and colon (`"amountFen":`) and copied;
 * - a short text (codes, messages, bases: they repeat from answer to answer) is encoded once and
 *   copied; it is encoded by copying it character by character while it is plain ASCII and by
 *   `Buffer#write` otherwise;
 * - integers are written digit by digit.
 * Both caches are bounded, so input with ever new texts cannot grow them.
 */
export class ResponseJsonWriter {
  private buffer: Buffer;
  private length = 0;
  private readonly objectBytes = new WeakMap<object, Uint8Array>();
  private readonly keyBytes = new Map<string, Uint8Array>();
  /** Encoded texts (with their quotes), bounded: emptied when it holds cacheLimits.texts of them. */
  private readonly textBytes = new Map<string, Uint8Array>();
  /** The encoded `parameterVersions` tails by sequence of parameters used, bounded (see versions). */
  private readonly versionsRoot: VersionsNode = { bytes: TAIL_EMPTY, next: new Map() };
  private versionsNodes = 0;

  constructor(
    private readonly flush: (bytes: Buffer) => void,
    private readonly chunkSize = 1 << 20,
    /** How many texts and `parameterVersions` tails are kept (tests make them small). */
    private readonly cacheLimits: { texts: number; versions: number } = CACHE_LIMITS,
  ) {
    this.buffer = Buffer.allocUnsafe(chunkSize * 2);
  }

  /** Appends raw ASCII text (punctuation between responses). */
  raw(text: string): void {
    this.reserve(text.length);
    for (let index = 0; index < text.length; index += 1) this.buffer[this.length++] = text.charCodeAt(index);
  }

  response(response: EvaluateResponse): void {
    this.value(response);
    if (this.length >= this.chunkSize) this.drain();
  }

  /** Any JSON value (an error line of NDJSON), the bytes `JSON.stringify` gives. */
  json(value: unknown): void {
    this.value(value);
    if (this.length >= this.chunkSize) this.drain();
  }

  /**
   * What `decide` returned, written as `evaluate` would answer: a Decision straight from its
   * working state (the members and order of Decision#finish, without building the response).
   */
  decided(decided: Decision | EvaluateResponse): void {
    if (decided instanceof Decision) this.decision(decided);
    else this.value(decided);
    if (this.length >= this.chunkSize) this.drain();
  }

  private decision(decision: Decision): void {
    decision.settle();
    const eligible = decision.denials.length === 0;
    this.bytes(MEMBER.policy);
    this.string(decision.packId);
    this.bytes(eligible ? MEMBER.eligibleTrue : MEMBER.eligibleFalse);
    this.number(decision.amountFen);
    this.bytes(MEMBER.payee);
    this.string(decision.payee);
    this.bytes(decision.countsTowardAnnualLimit ? MEMBER.countsTrue : MEMBER.countsFalse);
    if (eligible) this.array(decision.lines);
    else this.raw('[]');
    this.bytes(MEMBER.denials);
    this.array(decision.denials);
    this.bytes(MEMBER.warnings);
    this.array(decision.warnings);
    this.bytes(MEMBER.outcome);
    this.string(outcomeOf(decision.denials));
    if (decision.payeeCitation) {
      this.bytes(MEMBER.payeeCitation);
      this.value(decision.payeeCitation);
    }
    this.versions(decision.used);
  }

  /**
   * `,"parameterVersions":[…]}`: decisions of one kind use the same parameters in the same
   * order, so the encoded tail is kept per sequence of (shared, resolved) parameters, in a tree
   * walked one parameter at a time; the tree is bounded, a sequence beyond it is encoded entry
   * by entry (the same bytes).
   */
  private versions(used: readonly ResolvedParameter[]): void {
    let node = this.versionsRoot;
    for (let index = 0; index < used.length; index += 1) {
      const parameter = used[index]!;
      let next = node.next.get(parameter);
      if (next === undefined) {
        if (this.versionsNodes >= this.cacheLimits.versions) {
          this.versionsOneByOne(used);
          return;
        }
        const entries = used.slice(0, index + 1).map(versionUsed);
        next = { bytes: Buffer.from(`,"parameterVersions":${JSON.stringify(entries)}}`), next: new Map() };
        node.next.set(parameter, next);
        this.versionsNodes += 1;
      }
      node = next;
    }
    this.bytes(node.bytes);
  }

  private versionsOneByOne(used: readonly ResolvedParameter[]): void {
    this.bytes(MEMBER.parameterVersions);
    for (let index = 0; index < used.length; index += 1) {
      if (index > 0) this.byte(0x2c); // ,
      this.frozen(versionUsed(used[index]!));
    }
    this.raw(']}');
  }

  /** Hands the remaining bytes to `flush`. */
  end(): void {
    this.drain();
  }

  private drain(): void {
    if (this.length === 0) return;
    // The filled bytes are handed over as they are (the stream may hold them until written) and
    // the writer continues in a fresh buffer: no copy.
    this.flush(this.buffer.subarray(0, this.length));
    this.buffer = Buffer.allocUnsafe(this.chunkSize * 2);
    this.length = 0;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  private byte(code: number): void {
    if (this.length === this.buffer.length) this.reserve(1);
    this.buffer[this.length++] = code;
  }

  private bytes(bytes: Uint8Array): void {
    const count = bytes.length;
    this.reserve(count);
    const buffer = this.buffer;
    let at = this.length;
    // A loop beats a native copy for the short pieces (member names, small citations).
    if (count < 64) for (let index = 0; index < count; index += 1) buffer[at++] = bytes[index]!;
    else {
      buffer.set(bytes, at);
      at += count;
    }
    this.length = at;
  }

  /**
   * A text as a JSON string: quotes, escapes and UTF-8 exactly as `JSON.stringify`. The texts of
   * answers repeat (codes, messages, bases, citations' parts): a short one is encoded once and
   * copied afterwards; the cache is emptied when full, so odd input cannot grow it.
   */
  private string(text: string): void {
    if (text.length > TEXT_CACHE_MAX_LENGTH) {
      this.freshString(text);
      return;
    }
    const cached = this.textBytes.get(text);
    if (cached !== undefined) {
      this.bytes(cached);
      return;
    }
    const start = this.length;
    this.freshString(text);
    if (this.textBytes.size >= this.cacheLimits.texts) this.textBytes.clear();
    // A copy: a view would keep the whole chunk alive.
    this.textBytes.set(text, Buffer.from(this.buffer.subarray(start, this.length)));
  }

  /** A text encoded from its characters. */
  private freshString(text: string): void {
    const count = text.length;
    // At most 6 bytes per UTF-16 unit (`\u001f`), plus the quotes.
    this.reserve(count * 6 + 2);
    const buffer = this.buffer;
    const start = this.length;
    let at = start;
    buffer[at++] = 0x22;
    for (let index = 0; index < count; index += 1) {
      const code = text.charCodeAt(index);
      if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) {
        this.length = start;
        this.unusualString(text);
        return;
      }
      buffer[at++] = code;
    }
    buffer[at++] = 0x22;
    this.length = at;
  }

  /** A text with non-ASCII characters or characters JSON escapes. */
  private unusualString(text: string): void {
    const buffer = this.buffer;
    if (needsEscape(text)) {
      // JSON.stringify escapes and leaves every character it keeps as it is (lone surrogates
      // come out as \uXXXX escapes, so the UTF-8 encoding below loses nothing).
      this.encoded(JSON.stringify(text));
      return;
    }
    buffer[this.length++] = 0x22;
    this.length += buffer.write(text, this.length, 'utf8');
    buffer[this.length++] = 0x22;
  }

  /** Text that is already JSON, encoded as UTF-8. */
  private encoded(json: string): void {
    this.reserve(json.length * 3);
    this.length += this.buffer.write(json, this.length, 'utf8');
  }

  private number(value: number): void {
    if (Number.isInteger(value) && value >= 0 && value < 1e15) {
      this.reserve(16);
      const buffer = this.buffer;
      if (value < 10) {
        buffer[this.length++] = 0x30 + value;
        return;
      }
      let digits = 0;
      for (let rest = value; rest >= 1; rest = Math.floor(rest / 10)) digits += 1;
      let at = this.length + digits;
      this.length = at;
      for (let rest = value; rest >= 1; rest = Math.floor(rest / 10)) buffer[--at] = 0x30 + (rest % 10);
      return;
    }
    this.raw(Number.isFinite(value) ? String(value) : 'null');
  }

  private value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.string(value);
        return;
      case 'number':
        this.number(value);
        return;
      case 'boolean':
        this.raw(value ? 'true' : 'false');
        return;
      case 'object':
        if (value === null) this.raw('null');
        else if (Array.isArray(value)) this.array(value);
        else if (Object.isFrozen(value)) this.frozen(value);
        else if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
          this.encoded(JSON.stringify(value) ?? 'null');
        else this.object(value as Record<string, unknown>);
        return;
      default:
        // undefined and functions are left out of objects and written as null in arrays, as JSON.stringify does.
        this.raw('null');
    }
  }

  /** A frozen object (shared by many responses) is encoded once. */
  private frozen(value: object): void {
    let bytes = this.objectBytes.get(value);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(value), 'utf8');
      this.objectBytes.set(value, bytes);
    }
    this.bytes(bytes);
  }

  private array(items: readonly unknown[]): void {
    if (Object.isFrozen(items)) {
      this.frozen(items);
      return;
    }
    this.byte(0x5b); // [
    for (let index = 0; index < items.length; index += 1) {
      if (index > 0) this.byte(0x2c); // ,
      this.value(items[index]);
    }
    this.byte(0x5d); // ]
  }

  private object(record: Record<string, unknown>): void {
    this.byte(0x7b); // {
    let first = true;
    // The responses are plain objects: for…in walks their own keys in JSON.stringify's order
    // without allocating the array Object.keys would.
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const item = record[key];
      if (item === undefined || typeof item === 'function') continue;
      if (!first) this.byte(0x2c); // ,
      first = false;
      this.key(key);
      this.value(item);
    }
    this.byte(0x7d); // }
  }

  /** `"name":`, encoded once per member name. */
  private key(name: string): void {
    let bytes = this.keyBytes.get(name);
    if (bytes === undefined) {
      bytes = Buffer.from(`${JSON.stringify(name)}:`, 'utf8');
      // Member names of responses are a fixed set; a stray map key must not grow this without bound.
      if (this.keyBytes.size < 1_000) this.keyBytes.set(name, bytes);
    }
    this.bytes(bytes);
  }
}

/** One step of the tree of `parameterVersions` tails: the tail of the sequence so far. */
interface VersionsNode {
  bytes: Uint8Array;
  next: Map<ResolvedParameter, VersionsNode>;
}

/** Texts longer than this are not cached (they are rarely repeated). */
const TEXT_CACHE_MAX_LENGTH = 200;
const CACHE_LIMITS = { texts: 4_096, versions: 4_096 };
const TAIL_EMPTY = Buffer.from(',"parameterVersions":[]}');

/** Whether JSON.stringify would escape a character of the text (quote, backslash, control, lone surrogate). */
function needsEscape(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}

/** The fixed pieces of a decision's JSON between its values. */
const MEMBER = {
  policy: Buffer.from('{"policy":'),
  eligibleTrue: Buffer.from(',"eligible":true,"amountFen":'),
  eligibleFalse: Buffer.from(',"eligible":false,"amountFen":'),
  payee: Buffer.from(',"payee":'),
  countsTrue: Buffer.from(',"countsTowardAnnualLimit":true,"lines":'),
  countsFalse: Buffer.from(',"countsTowardAnnualLimit":false,"lines":'),
  denials: Buffer.from(',"denials":'),
  warnings: Buffer.from(',"warnings":'),
  outcome: Buffer.from(',"outcome":'),
  payeeCitation: Buffer.from(',"payeeCitation":'),
  parameterVersions: Buffer.from(',"parameterVersions":['),
} as const;
