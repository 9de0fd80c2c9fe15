import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEnglish from '@zxcvbn-ts/language-en';

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

/** The shortest password accepted (等保 2.0 level 3 asks for complexity; length does most of it). */
export const MIN_PASSWORD_LENGTH = 10;

/** The lowest zxcvbn score accepted: 3 is "safely unguessable" (about 10^8 guesses or more). */
export const MIN_PASSWORD_SCORE = 3;

/** How many earlier passwords a new one may not repeat (the current one included). */
export const PASSWORD_HISTORY_DEPTH = 5;

/**
 * Words Chinese users build passwords from that the English dictionaries miss: the commonest
 * surnames and given-name syllables in pinyin, and pinyin phrases found in breach lists.
 */
const PINYIN_WORDS = new Set([
  ...['wang', 'li', 'zhang', 'liu', 'chen', 'yang', 'huang', 'zhao', 'wu', 'zhou', 'xu', 'sun', 'ma', 'zhu'],
  ...['hu', 'guo', 'he', 'gao', 'lin', 'luo', 'zheng', 'liang', 'xie', 'song', 'tang', 'han', 'feng', 'deng'],
  ...[
    'cao',
    'peng',
    'zeng',
    'xiao',
    'tian',
    'dong',
    'yuan',
    'pan',
    'cai',
    'jiang',
    'yu',
    'du',
    'ye',
    'cheng',
  ],
  ...['wei', 'su', 'lu', 'ding', 'ren', 'shen', 'yao', 'jin', 'fan', 'fang', 'shi', 'zhong', 'tan', 'ouyang'],
  ...['wei', 'min', 'jing', 'li', 'qiang', 'lei', 'jun', 'yong', 'jie', 'tao', 'ming', 'chao', 'hua', 'ping'],
  ...[
    'san',
    'si',
    'wu',
    'fang',
    'na',
    'yan',
    'juan',
    'xiu',
    'ying',
    'gang',
    'gui',
    'hui',
    'lan',
    'xia',
    'bin',
  ],
  ...['bo', 'fei', 'hao', 'kai', 'xin', 'dan', 'rui', 'ting', 'long', 'feng', 'jian', 'guo', 'qing', 'zhi'],
  ...['zhangsan', 'lisi', 'wangwu', 'zhangwei', 'wangwei', 'wangfang', 'lina', 'liuyang', 'zhangmin'],
  ...['hong', 'xiaoming', 'xiaohong', 'lili', 'tingting', 'jingjing', 'weiwei', 'lele', 'dandan', 'feifei'],
  ...['woaini', 'aini', 'woaiwojia', 'wojiushiwo', 'mima', 'mimamima', 'zhongguo', 'beijing', 'shanghai'],
  ...['nanjing', 'hunan', 'hengyang', 'jiangsu', 'chongqing', 'jiangxi', 'shanxi', 'renshe', 'laodong'],
  ...['buzhu', 'peixun', 'jineng', 'zijin', 'caizheng', 'shenji', 'guanli', 'admin', 'yonghu', 'denglu'],
  ...['kaixin', 'xingfu', 'pingan', 'fuqi', 'laopo', 'laogong', 'baobao', 'wangzi', 'gongzhu', 'tianshi'],
  ...['qwer', 'asdf', 'zxcv', 'yiersan', 'yiyiyi', 'bababa', 'liuliuliu', 'facai', 'shengri', 'jiayou'],
]);

const strengthEstimator = new ZxcvbnFactory({
  dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEnglish.dictionary, pinyin: [...PINYIN_WORDS] },
  graphs: zxcvbnCommon.adjacencyGraphs,
  translations: zxcvbnEnglish.translations,
});

/** Who sets the password: zxcvbn counts these (and their parts) as known to an attacker. */
export interface PasswordOwner {
  loginName: string;
  displayName?: string | null;
}

function ownerInputs(owner: PasswordOwner): string[] {
  const inputs = [owner.loginName, ...owner.loginName.split(/[^A-Za-z0-9]+/)];
  if (owner.displayName) inputs.push(owner.displayName, ...owner.displayName.split(/\s+/));
  return inputs.filter((input) => input.length >= 2);
}

/**
 * Returns the reasons a new password is refused (empty when acceptable): at least
 * MIN_PASSWORD_LENGTH characters of three character classes, a zxcvbn score of at least MIN_PASSWORD_SCORE counting the
 * owner's login and display name and common pinyin words, not on the weak-password list and not
 * containing the login name.
 */
export function passwordProblems(password: string, owner: PasswordOwner): string[] {
  const problems: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) problems.push(`密码至少 ${MIN_PASSWORD_LENGTH} 位`);
  // 等保 2.0 口令复杂度: at least three of the four character classes, besides the estimator.
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((pattern) =>
    pattern.test(password),
  ).length;
  if (classes < 3) problems.push('密码须包含大写字母、小写字母、数字、符号中的至少三类');
  if (isCommonPassword(password)) problems.push('密码过于常见，已被列入弱口令清单');
  if (owner.loginName && password.toLowerCase().includes(owner.loginName.toLowerCase()))
    problems.push('密码不得包含登录名');
  // The estimator's cost grows with the length; a password this long is refused by the schemas.
  const score = strengthEstimator.check(password.slice(0, 128), ownerInputs(owner)).score;
  if (score < MIN_PASSWORD_SCORE)
    problems.push('密码强度不足：请避免姓名、拼音、常见单词、键盘序列、重复和日期，建议用多个不相关的词组合');
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
