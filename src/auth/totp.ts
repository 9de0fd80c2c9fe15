import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 parameters every authenticator app understands: SHA-1, 6 digits, 30-second steps. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** Codes of the previous and next step are accepted too, for clock drift. */
const WINDOW_STEPS = 1;
const ISSUER = 'SkillFund';

/** A new random 160-bit TOTP secret, base32 (what the authenticator app is given). */
export function generateTotpSecret(): string {
  return new Secret({ buffer: new Uint8Array(randomBytes(20)).buffer }).base32;
}

function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** The `otpauth://` URI to show as a QR code during enrolment. */
export function totpUri(secretBase32: string, loginName: string): string {
  return totpFor(secretBase32, loginName).toString();
}

/**
 * The time-step a code belongs to, or null when the code matches no step in the window.
 * The caller stores the step and refuses any later code of the same or an earlier step.
 */
export function matchingTotpStep(secretBase32: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secretBase32, 'check').validate({
    token: code,
    timestamp: nowMs,
    window: WINDOW_STEPS,
  });
  if (delta === null) return null;
  return TOTP.counter({ period: PERIOD_SECONDS, timestamp: nowMs }) + delta;
}

/** The code of a secret at a moment (tests and the enrolment self-check). */
export function totpCodeAt(secretBase32: string, nowMs: number): string {
  return totpFor(secretBase32, 'code').generate({ timestamp: nowMs });
}
