import { parentPort, workerData } from 'node:worker_threads';
import { takeJob, type Envelope } from './claim-job.ts';

/**
 * The thread side of a worker pool: says it is ready (its first message), then answers each job
 * with exactly one message, one job at a time and in the order they came. A job that throws, or
 * whose answer cannot be cloned, is answered with `describeFailure(error)` instead. A job that
 * waited behind another one and that the pool took back is skipped, unanswered.
 */
export function serveJobs<In, Out>(handle: (message: In) => Out | Promise<Out>, describeFailure: (error: unknown) => Out): void {
  const port = parentPort;
  const claim = (workerData as { claim?: Int32Array } | null)?.claim;
  if (port === null || claim === undefined) throw new Error('serveJobs must run on a worker pool thread (this is a bug in sluice)');
  // Jobs that came while an asynchronous one was running.
  const waiting: Envelope<In>[] = [];
  let busy = false;
  port.postMessage('ready');
  port.on('message', (envelope: Envelope<In>) => {
    waiting.push(envelope);
    if (!busy) next();
  });

  function next(): void {
    while (!busy && waiting.length > 0) {
      const [number, message] = waiting.shift() as Envelope<In>;
      if (!takeJob(claim as Int32Array, number)) continue;
      let answer: Out | Promise<Out>;
      try {
        answer = handle(message);
      } catch (error) {
        answer = describeFailure(error);
      }
      if (answer instanceof Promise) {
        busy = true;
        answer.then(send, (error: unknown) => send(describeFailure(error))).then(() => {
          busy = false;
          next();
        });
      } else send(answer);
    }
  }

  function send(answer: Out): void {
    try {
      port!.postMessage(answer);
    } catch (error) {
      port!.postMessage(describeFailure(error));
    }
  }
}
