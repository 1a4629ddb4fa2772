import { parentPort } from 'node:worker_threads';

/**
 * The thread side of a worker pool: says it is ready (its first message), then answers each
 * message with exactly one message. A job that
 * throws, or whose answer cannot be cloned, is answered with `describeFailure(error)` instead.
 */
export function serveJobs<In, Out>(handle: (message: In) => Out | Promise<Out>, describeFailure: (error: unknown) => Out): void {
  const port = parentPort;
  if (port === null) throw new Error('serveJobs must run on a worker thread (this is a bug in sluice)');
  port.postMessage('ready');
  port.on('message', (message: In) => {
    let answer: Out | Promise<Out>;
    try {
      answer = handle(message);
    } catch (error) {
      answer = describeFailure(error);
    }
    if (answer instanceof Promise) {
      answer.then(send, (error: unknown) => send(describeFailure(error)));
    } else send(answer);
  });

  function send(answer: Out): void {
    try {
      port!.postMessage(answer);
    } catch (error) {
      port!.postMessage(describeFailure(error));
    }
  }
}
