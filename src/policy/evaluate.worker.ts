import { parentPort } from 'node:worker_threads';
import { parseRun, type RunCheck, type WorkerAnswer, type WorkerSlice } from './evaluate.parallel.ts';
import { decide } from './evaluate.ts';
import type { EvaluateRequest } from './evaluate.types.ts';
import type { ParameterOverride } from './parameter.types.ts';
import { ResponseJsonWriter } from './response-json.ts';

// One worker of `skillfund evaluate` on a big array (see evaluate.parallel.ts). Started before
// the input is read, it loads the policy engine and waits for its run of the shared input; it
// decodes, parses and validates the run, says so, and, when told to go on (with the parameter
// overrides), decides each request and hands the encoded answers (separated by commas, no
// brackets) to the main thread in transferred chunks.

const port = parentPort!;

function decideAll(requests: readonly EvaluateRequest[], overrides: readonly ParameterOverride[]): void {
  const writer = new ResponseJsonWriter((bytes) => {
    // A fresh buffer per chunk (the writer continues in a new one): handed over without a copy.
    const answer: WorkerAnswer = { kind: 'bytes', bytes: bytes.buffer as ArrayBuffer, length: bytes.length };
    port.postMessage(answer, [bytes.buffer as ArrayBuffer]);
  });
  const options = { overrides };
  for (let index = 0; index < requests.length; index += 1) {
    if (index > 0) writer.raw(',');
    writer.decided(decide(requests[index]!, options));
  }
  writer.end();
  port.postMessage({ kind: 'done' } satisfies WorkerAnswer);
}

port.once('message', (slice: WorkerSlice) => {
  const input = Buffer.from(slice.shared, slice.offset);
  const parsed = parseRun(input, slice.run, slice.isLast);
  if (parsed.kind !== 'parsed') {
    port.postMessage(parsed satisfies RunCheck);
    return;
  }
  port.postMessage({ kind: 'valid' } satisfies RunCheck);
  port.once('message', ({ overrides }: { overrides: readonly ParameterOverride[] }) =>
    decideAll(parsed.requests, overrides),
  );
});
