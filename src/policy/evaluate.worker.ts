import { parentPort, workerData } from 'node:worker_threads';
import { isValidEvaluateRequest, validateEvaluateRequest } from './evaluate.schema.ts';
import { decide } from './evaluate.ts';
import type { EvaluateRequest } from './evaluate.types.ts';
import type { ParameterOverride } from './parameter.types.ts';
import { ResponseJsonWriter } from './response-json.ts';

// One worker of `skillfund evaluate` on a big array (see evaluate.parallel.ts): parses its slice
// of the array's text, validates every request (fields named by their index in the whole array),
// says so, and, when told to go on, decides each request and hands the encoded answers (the
// responses separated by commas, no brackets) to the main thread in transferred chunks.

/** The first message: whether the slice parsed and every request in it is valid. */
export type WorkerValidated =
  | { kind: 'not-json' }
  | { kind: 'invalid'; details: { field: string; message: string }[] }
  | { kind: 'valid' };
/** Then: encoded bytes (the first `length` of a transferred buffer), and `done` at the end. */
export type WorkerAnswer = { kind: 'bytes'; bytes: ArrayBuffer; length: number } | { kind: 'done' };

const port = parentPort!;
const { text, first } = workerData as { text: string; first: number };

function check(): { requests: EvaluateRequest[] } | WorkerValidated {
  let items: unknown[];
  try {
    items = JSON.parse(`[${text}]`) as unknown[];
  } catch {
    return { kind: 'not-json' };
  }
  // An empty slice would hide a missing element (`[1,,2]`): the whole text would not parse.
  if (items.length === 0) return { kind: 'not-json' };
  let allValid = true;
  for (let index = 0; index < items.length && allValid; index += 1)
    allValid = isValidEvaluateRequest(items[index]);
  if (allValid) return { requests: items as EvaluateRequest[] };
  const details: { field: string; message: string }[] = [];
  items.forEach((item, index) => {
    const result = validateEvaluateRequest(item);
    if (!result.ok)
      for (const detail of result.details)
        details.push({ ...detail, field: `[${first + index}].${detail.field}` });
  });
  return { kind: 'invalid', details };
}

const checked = check();
if ('requests' in checked) {
  const { requests } = checked;
  port.postMessage({ kind: 'valid' } satisfies WorkerValidated);
  port.once('message', ({ overrides }: { overrides: readonly ParameterOverride[] }) => {
    const writer = new ResponseJsonWriter((bytes) => {
      // A fresh buffer per chunk (the writer continues in a new one): handed over without a copy.
      const answer: WorkerAnswer = {
        kind: 'bytes',
        bytes: bytes.buffer as ArrayBuffer,
        length: bytes.length,
      };
      port.postMessage(answer, [bytes.buffer as ArrayBuffer]);
    });
    const options = { overrides };
    for (let index = 0; index < requests.length; index += 1) {
      if (index > 0) writer.raw(',');
      writer.decided(decide(requests[index]!, options));
    }
    writer.end();
    port.postMessage({ kind: 'done' } satisfies WorkerAnswer);
  });
} else port.postMessage(checked);
