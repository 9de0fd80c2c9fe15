import type { EvaluateResponse } from './evaluate.types.ts';

/**
 * Writes evaluate responses as compact JSON straight into UTF-8 bytes — the same bytes as
 * `JSON.stringify` — for the CLI's big batches. A response's text is mostly repeated: the
 * shared `parameterVersions` entries and citations (the same objects in every decision that
 * used them), policy ids, codes, messages and bases. Their encoded bytes are kept and copied, so
 * 100,000 responses (≈ 120 MB) are not built as one string and then encoded again as UTF-8,
 * which for Chinese text costs more than producing it.
 */
export class ResponseJsonWriter {
  private buffer: Buffer;
  private length = 0;
  private readonly objectBytes = new WeakMap<object, Buffer>();
  private readonly stringBytes = new Map<string, Buffer>();

  constructor(
    private readonly flush: (bytes: Buffer) => void,
    private readonly chunkSize = 1 << 20,
  ) {
    this.buffer = Buffer.allocUnsafe(chunkSize * 2);
  }

  /** Appends raw ASCII text (punctuation between responses, numbers). */
  raw(text: string): void {
    this.reserve(text.length);
    for (let index = 0; index < text.length; index += 1) this.buffer[this.length++] = text.charCodeAt(index);
  }

  private byte(code: number): void {
    if (this.length === this.buffer.length) this.reserve(1);
    this.buffer[this.length++] = code;
  }

  response(response: EvaluateResponse): void {
    this.value(response);
    if (this.length >= this.chunkSize) this.drain();
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

  private bytes(bytes: Buffer): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  private string(text: string): void {
    let bytes = this.stringBytes.get(text);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(text), 'utf8');
      // Unique texts (a certificate number in a message) must not grow the cache without bound.
      if (this.stringBytes.size >= 50_000) this.stringBytes.clear();
      this.stringBytes.set(text, bytes);
    }
    this.bytes(bytes);
  }

  private value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.string(value);
        return;
      case 'number':
        this.raw(Number.isFinite(value) ? String(value) : 'null');
        return;
      case 'boolean':
        this.raw(value ? 'true' : 'false');
        return;
      case 'object':
        if (value === null) this.raw('null');
        else if (Object.isFrozen(value)) this.frozen(value);
        else if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
          this.bytes(Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'));
        else if (Array.isArray(value)) this.array(value);
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
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (item === undefined || typeof item === 'function') continue;
      if (!first) this.byte(0x2c); // ,
      first = false;
      this.string(key);
      this.byte(0x3a); // :
      this.value(item);
    }
    this.byte(0x7d); // }
  }
}
