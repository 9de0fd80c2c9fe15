import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hash, verify } from '@node-rs/argon2';

// 2 is Algorithm.Argon2id (a const enum, which verbatimModuleSyntax cannot import).
const ARGON2ID_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/**
 * The refused-password list (src/auth/common-passwords.txt, ~4,500 entries generated from the
 * patterns that dominate published breach statistics; its header documents the source).
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  fs
    .readFileSync(fileURLToPath(new URL('./common-passwords.txt', import.meta.url)), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line !== '' && !line.startsWith('#')),
);

/**
 * Passwords published in documentation (the demo accounts' password). They are usable only in
 * demo mode: login refuses them outside it, and no user may choose one as a new password.
 * Must equal DEMO_PASSWORD of src/demo/demo.service.ts (checked by test/security/identity.db.test.ts).
 */
export const PUBLISHED_PASSWORDS: readonly string[] = ['Demo@2026!'];

export function isPublishedPassword(password: string): boolean {
  return PUBLISHED_PASSWORDS.includes(password);
}

const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '0': 'o',
  $: 's',
  '5': 's',
  '1': 'i',
  '!': 'i',
  '3': 'e',
  '7': 't',
};

/** `P@ssw0rd2026!` → `password`: lower case, surrounding digits/symbols removed, leetspeak undone. */
export function passwordCore(password: string): string {
  const stripped = password
    .toLowerCase()
    .replace(/^[^a-z]+/, '')
    .replace(/[^a-z]+$/, '');
  return [...stripped].map((character) => LEET[character] ?? character).join('');
}

/** True when the password is on the list or is a listed word dressed up with digits, symbols and leetspeak. */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return true;
  const core = passwordCore(password);
  return core.length >= 3 && COMMON_PASSWORDS.has(core);
}

/** Returns the reasons a new password is refused (empty when acceptable). */
export function passwordProblems(password: string, loginName: string): string[] {
  const problems: string[] = [];
  if (password.length < 8) problems.push('密码至少8位');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((pattern) =>
    pattern.test(password),
  ).length;
  if (classes < 3) problems.push('密码须包含大写字母、小写字母、数字、符号中的至少三类');
  if (isCommonPassword(password)) problems.push('密码过于常见，已被列入弱口令清单');
  if (loginName && password.toLowerCase().includes(loginName.toLowerCase()))
    problems.push('密码不得包含登录名');
  return problems;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
