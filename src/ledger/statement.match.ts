/**
 * Matching a month's bank statement with the ledger's bank-side movements, both ways (账实相符),
 * and the balance reconciliation (余额调节表) that follows from it. Pure: the service reads the
 * lines and movements, this decides.
 *
 * Directions are the special account's: `debit` = money out of the account (借方发生额 on the
 * bank's statement of a customer account), `credit` = money in (贷方发生额).
 */
export type Direction = 'debit' | 'credit';

export interface StatementLine {
  id: number;
  lineNumber: number;
  direction: Direction;
  /** Positive fen. */
  amountFen: number;
  bookingDate: string;
  reference: string | null;
  summary: string | null;
  counterpartyName: string | null;
}

export type MovementKind =
  | 'disbursement'
  | 'payment_return'
  | 'appropriation'
  | 'allocation'
  | 'interest'
  | 'bank_fee'
  | 'refund'
  | 'reversal'
  | 'other';

/** A movement of the books that the bank must show: money into or out of the special account. */
export interface BookMovement {
  key: string;
  kind: MovementKind;
  direction: Direction;
  amountFen: number;
  valueDate: string;
  /** The disbursement reference the bank echoes (payments and their returns). */
  reference: string | null;
  /** Set when the movement was posted from this statement line (interest, fees, refunds). */
  statementLineId: number | null;
  disbursementId: number | null;
  transferIds: number[];
}

export type ProblemKind =
  | 'unknown_credit'
  | 'unknown_debit'
  | 'amount_mismatch'
  | 'duplicate'
  | 'missing_from_bank'
  | 'date_out_of_tolerance';

/** Problems that are errors to be corrected before sign-off; the others are outstanding items. */
export const BLOCKING_PROBLEMS: readonly ProblemKind[] = [
  'amount_mismatch',
  'duplicate',
  'date_out_of_tolerance',
];

export interface Problem {
  kind: ProblemKind;
  lineNumbers: number[];
  /** Ids of the statement lines (to post interest or a fee from one). */
  lineIds: number[];
  movementKeys: string[];
  reference: string | null;
  amountFen: number;
  differenceFen?: number;
  dayShift?: number;
  /** For an unknown line: what it looks like (interest, a fee, a returned payment). */
  suggestion?: 'interest' | 'bank_fee' | 'payment_return';
}

export interface Match {
  lineNumbers: number[];
  lineIds: number[];
  movementKeys: string[];
  kind: MovementKind;
  direction: Direction;
  amountFen: number;
  reference: string | null;
  matchedBy: 'statement_line' | 'reference' | 'amount_and_date';
}

export interface BalanceReconciliation {
  bankClosingFen: number;
  bookBalanceFen: number;
  /** 银行已收、单位未收 */
  bankCreditsNotInBooks: { lineNumber: number; amountFen: number; summary: string | null }[];
  /** 银行已付、单位未付 */
  bankDebitsNotInBooks: { lineNumber: number; amountFen: number; summary: string | null }[];
  /** 单位已收、银行未收 */
  bookCreditsNotInBank: { key: string; kind: MovementKind; amountFen: number; valueDate: string }[];
  /** 单位已付、银行未付 */
  bookDebitsNotInBank: { key: string; kind: MovementKind; amountFen: number; valueDate: string }[];
  adjustedBankFen: number;
  adjustedBookFen: number;
  isBalanced: boolean;
}

export interface Worksheet {
  toleranceDays: number;
  matches: Match[];
  problems: Problem[];
  /** Failed payments the bank never executed: the order and its return cancel out. */
  notExecuted: string[];
  balance: BalanceReconciliation;
  totals: { bankDebitFen: number; bankCreditFen: number; bookDebitFen: number; bookCreditFen: number };
}

function dayDifference(a: string, b: string): number {
  return Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000);
}

const sum = (items: { amountFen: number }[]) => items.reduce((total, item) => total + item.amountFen, 0);

function suggestionFor(line: StatementLine, references: Set<string>): Problem['suggestion'] {
  const text = `${line.summary ?? ''}${line.reference ?? ''}`;
  if (line.direction === 'credit' && /利息|结息/.test(text)) return 'interest';
  if (line.direction === 'debit' && /手续费|服务费|工本费|汇划费/.test(text)) return 'bank_fee';
  if (line.direction === 'credit' && line.reference && references.has(line.reference))
    return 'payment_return';
  return undefined;
}

interface State {
  lines: Set<StatementLine>;
  movements: Set<BookMovement>;
  matches: Match[];
  problems: Problem[];
  /** Lines and movements a problem names (mismatch, duplicate): outstanding in the 余额调节表. */
  outstandingLines: StatementLine[];
  outstandingMovements: BookMovement[];
}

function addMatch(
  state: State,
  lines: StatementLine[],
  movement: BookMovement,
  matchedBy: Match['matchedBy'],
) {
  for (const line of lines) state.lines.delete(line);
  state.movements.delete(movement);
  state.matches.push({
    lineNumbers: lines.map((line) => line.lineNumber),
    lineIds: lines.map((line) => line.id),
    movementKeys: [movement.key],
    kind: movement.kind,
    direction: movement.direction,
    amountFen: movement.amountFen,
    reference: movement.reference,
    matchedBy,
  });
}

/** A movement and the lines carrying its reference in its direction (exact, split, or a problem). */
function matchReferenced(
  state: State,
  movement: BookMovement,
  candidates: StatementLine[],
  tolerance: number,
) {
  const within = (line: StatementLine) =>
    Math.abs(dayDifference(line.bookingDate, movement.valueDate)) <= tolerance;
  const exact = candidates.find((line) => line.amountFen === movement.amountFen && within(line));
  if (exact) {
    addMatch(state, [exact], movement, 'reference');
    for (const other of candidates.filter((line) => line !== exact)) {
      const isDuplicate = other.amountFen === exact.amountFen;
      state.lines.delete(other);
      state.problems.push({
        kind: isDuplicate ? 'duplicate' : 'amount_mismatch',
        lineNumbers: [other.lineNumber],
        lineIds: [other.id],
        movementKeys: [movement.key],
        reference: movement.reference,
        amountFen: other.amountFen,
        ...(isDuplicate ? {} : { differenceFen: other.amountFen }),
      });
      state.outstandingLines.push(other);
    }
    return;
  }
  if (candidates.length > 1 && candidates.every(within) && sum(candidates) === movement.amountFen) {
    addMatch(state, candidates, movement, 'reference');
    return;
  }
  const total = sum(candidates);
  for (const line of candidates) state.lines.delete(line);
  state.outstandingLines.push(...candidates);
  state.movements.delete(movement);
  state.outstandingMovements.push(movement);
  state.problems.push({
    kind: total === movement.amountFen ? 'date_out_of_tolerance' : 'amount_mismatch',
    lineNumbers: candidates.map((line) => line.lineNumber),
    lineIds: candidates.map((line) => line.id),
    movementKeys: [movement.key],
    reference: movement.reference,
    amountFen: total,
    ...(total === movement.amountFen
      ? {
          dayShift: Math.max(
            ...candidates.map((line) => dayDifference(line.bookingDate, movement.valueDate)),
          ),
        }
      : { differenceFen: total - movement.amountFen }),
  });
}

/**
 * Matches both ways, in this order: lines a movement was posted from; lines carrying a
 * disbursement reference, in the same direction (a payment's debit, its return's credit); then
 * by direction, amount and date within the tolerance. What is left is classified: unknown credit
 * or debit on the bank side (with a suggestion), missing from the bank on the book side — except
 * a failed payment the bank never executed, whose order and return cancel out.
 */
export function reconcile(
  lines: StatementLine[],
  movements: BookMovement[],
  options: { toleranceDays: number; bankClosingFen: number; bookBalanceFen: number },
): Worksheet {
  const tolerance = options.toleranceDays;
  const state: State = {
    lines: new Set(lines),
    movements: new Set(movements),
    matches: [],
    problems: [],
    outstandingLines: [],
    outstandingMovements: [],
  };
  const lineById = new Map(lines.map((line) => [line.id, line]));
  for (const movement of movements) {
    const line = movement.statementLineId === null ? undefined : lineById.get(movement.statementLineId);
    if (line && state.lines.has(line)) addMatch(state, [line], movement, 'statement_line');
  }
  const references = new Set(
    movements.map((movement) => movement.reference).filter((ref): ref is string => !!ref),
  );
  for (const movement of movements) {
    if (!state.movements.has(movement) || !movement.reference) continue;
    const candidates = [...state.lines].filter(
      (line) => line.reference === movement.reference && line.direction === movement.direction,
    );
    if (candidates.length > 0) matchReferenced(state, movement, candidates, tolerance);
  }
  for (const line of [...state.lines].sort((a, b) => a.lineNumber - b.lineNumber)) {
    const movement = [...state.movements].find(
      (candidate) =>
        candidate.direction === line.direction &&
        candidate.amountFen === line.amountFen &&
        (candidate.reference === null || line.reference === null || candidate.reference === line.reference) &&
        Math.abs(dayDifference(line.bookingDate, candidate.valueDate)) <= tolerance,
    );
    if (movement) addMatch(state, [line], movement, 'amount_and_date');
  }
  for (const line of [...state.lines].sort((a, b) => a.lineNumber - b.lineNumber)) {
    const suggestion = suggestionFor(line, references);
    state.problems.push({
      kind: line.direction === 'credit' ? 'unknown_credit' : 'unknown_debit',
      lineNumbers: [line.lineNumber],
      lineIds: [line.id],
      movementKeys: [],
      reference: line.reference,
      amountFen: line.amountFen,
      ...(suggestion ? { suggestion } : {}),
    });
  }
  const notExecuted = cancelUnexecuted(state);
  for (const movement of state.movements)
    state.problems.push({
      kind: 'missing_from_bank',
      lineNumbers: [],
      lineIds: [],
      movementKeys: [movement.key],
      reference: movement.reference,
      amountFen: movement.amountFen,
    });
  const bankItems = [...state.lines, ...state.outstandingLines];
  const bookItems = [...state.movements, ...state.outstandingMovements];
  return {
    toleranceDays: tolerance,
    matches: state.matches,
    problems: state.problems,
    notExecuted,
    balance: balanceReconciliation(bankItems, bookItems, options),
    totals: {
      bankDebitFen: sum(lines.filter((line) => line.direction === 'debit')),
      bankCreditFen: sum(lines.filter((line) => line.direction === 'credit')),
      bookDebitFen: sum(movements.filter((movement) => movement.direction === 'debit')),
      bookCreditFen: sum(movements.filter((movement) => movement.direction === 'credit')),
    },
  };
}

/** A failed payment with neither its debit nor its return on the statement was never executed. */
function cancelUnexecuted(state: State): string[] {
  const cancelled: string[] = [];
  const remaining = [...state.movements];
  for (const order of remaining.filter((movement) => movement.kind === 'disbursement')) {
    const back = remaining.find(
      (movement) =>
        movement.kind === 'payment_return' &&
        movement.disbursementId === order.disbursementId &&
        state.movements.has(movement),
    );
    if (!back || back.amountFen !== order.amountFen) continue;
    state.movements.delete(order);
    state.movements.delete(back);
    cancelled.push(order.reference ?? order.key);
  }
  return cancelled;
}

function balanceReconciliation(
  bankItems: StatementLine[],
  bookItems: BookMovement[],
  options: { bankClosingFen: number; bookBalanceFen: number },
): BalanceReconciliation {
  const lineItem = (line: StatementLine) => ({
    lineNumber: line.lineNumber,
    amountFen: line.amountFen,
    summary: line.summary,
  });
  const bookItem = (movement: BookMovement) => ({
    key: movement.key,
    kind: movement.kind,
    amountFen: movement.amountFen,
    valueDate: movement.valueDate,
  });
  const byLine = (a: StatementLine, b: StatementLine) => a.lineNumber - b.lineNumber;
  const bankCreditsNotInBooks = bankItems
    .filter((line) => line.direction === 'credit')
    .sort(byLine)
    .map(lineItem);
  const bankDebitsNotInBooks = bankItems
    .filter((line) => line.direction === 'debit')
    .sort(byLine)
    .map(lineItem);
  const bookCreditsNotInBank = bookItems.filter((item) => item.direction === 'credit').map(bookItem);
  const bookDebitsNotInBank = bookItems.filter((item) => item.direction === 'debit').map(bookItem);
  const adjustedBankFen = options.bankClosingFen + sum(bookCreditsNotInBank) - sum(bookDebitsNotInBank);
  const adjustedBookFen = options.bookBalanceFen + sum(bankCreditsNotInBooks) - sum(bankDebitsNotInBooks);
  return {
    bankClosingFen: options.bankClosingFen,
    bookBalanceFen: options.bookBalanceFen,
    bankCreditsNotInBooks,
    bankDebitsNotInBooks,
    bookCreditsNotInBank,
    bookDebitsNotInBank,
    adjustedBankFen,
    adjustedBookFen,
    isBalanced: adjustedBankFen === adjustedBookFen,
  };
}
