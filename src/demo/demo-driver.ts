import type { FastifyInstance } from 'fastify';
import { creditCodeCheckCharacter, idNumberCheckCharacter } from '../registry/identifiers.ts';
import type { ManualClock } from '../shared/clock.ts';

/** A valid GB 11643 ID number: region, birth date (YYYYMMDD), 3-digit sequence (odd = male). */
export function demoIdNumber(region: string, birth: string, sequence: number): string {
  const first17 = `${region}${birth}${String(sequence).padStart(3, '0')}`;
  return `${first17}${idNumberCheckCharacter(first17)}`;
}

/** A valid GB 32100 unified social credit code from its first 17 characters. */
export function demoCreditCode(first17: string): string {
  return `${first17}${creditCodeCheckCharacter(first17)}`;
}

/** `date` (YYYY-MM-DD) plus `days`, as YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const instant = new Date(`${date}T00:00:00Z`);
  instant.setUTCDate(instant.getUTCDate() + days);
  return instant.toISOString().slice(0, 10);
}

/** An instant at a China-time hour of a day, `2021-05-06T08:00:00+08:00`. */
export function chinaTime(date: string, hour: number, minute = 0): string {
  return `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+08:00`;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

/**
 * Plays the demo through the platform's own HTTP API (app.inject), as the demo accounts, on a
 * manual business clock: every rule, scope check and audit entry is the real one. A refusal is a
 * broken demo, so it throws with the server's answer.
 */
export class DemoDriver {
  readonly #app: FastifyInstance;
  readonly #clock: ManualClock;
  readonly #password: string;
  readonly #tokens = new Map<string, string>();
  /** Requests made, for the seed summary. */
  requests = 0;

  constructor(app: FastifyInstance, clock: ManualClock, password: string) {
    this.#app = app;
    this.#clock = clock;
    this.#password = password;
  }

  /** Moves the business clock to an instant; never backwards (the demo tells one year in order). */
  at(instant: string): void {
    const target = new Date(instant);
    if (target.getTime() < this.#clock.now().getTime())
      throw new Error(
        `living demo: the clock may not go back from ${this.#clock.now().toISOString()} to ${instant}`,
      );
    this.#clock.set(target);
  }

  today(): string {
    return this.#clock.today();
  }

  async #token(loginName: string): Promise<string> {
    const known = this.#tokens.get(loginName);
    if (known) return known;
    const response = await this.#app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { loginName, password: this.#password },
    });
    this.requests += 1;
    if (response.statusCode !== 200) throw new Error(`living demo: login ${loginName}: ${response.body}`);
    const token = (response.json() as { token: string }).token;
    this.#tokens.set(loginName, token);
    return token;
  }

  /** One API call as a demo account; answers the parsed body, throws on anything but 2xx. */
  async call<T = Record<string, unknown>>(
    loginName: string,
    method: Method,
    url: string,
    payload?: unknown,
  ): Promise<T> {
    const response = await this.#app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await this.#token(loginName)}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    this.requests += 1;
    if (response.statusCode < 200 || response.statusCode >= 300)
      throw new Error(
        `living demo: ${loginName} ${method} ${url} on ${this.today()} → ${response.statusCode} ${response.body.slice(0, 600)}`,
      );
    return (response.body ? response.json() : undefined) as T;
  }

  /** A multipart upload (one file and text fields) as a demo account. */
  async upload(
    loginName: string,
    url: string,
    fields: Record<string, string>,
    file: { name: string; contentType: string; content: Buffer },
  ): Promise<void> {
    const boundary = `----skillfunddemo${this.requests}`;
    const parts = Object.entries(fields).map(([name, value]) =>
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
    const body = Buffer.concat([
      ...parts,
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const response = await this.#app.inject({
      method: 'POST',
      url,
      headers: {
        authorization: `Bearer ${await this.#token(loginName)}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      payload: body,
    });
    this.requests += 1;
    if (response.statusCode >= 300)
      throw new Error(`living demo: upload ${url} → ${response.statusCode} ${response.body.slice(0, 400)}`);
  }
}
