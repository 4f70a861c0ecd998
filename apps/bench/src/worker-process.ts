// A child process of the bench runner: initialises its own backend, then runs the specs it
// is sent one at a time and answers with their results over IPC.
import { initBackend } from '@none/backend';
import { executeRun } from './execute-run';
import type { ParentMessage, WorkerMessage } from './worker-protocol';

const send = (message: WorkerMessage) =>
  new Promise<void>((resolve) => process.send!(message, () => resolve()));

let backend: Promise<unknown> | undefined;

process.on('message', async (message: ParentMessage) => {
  if (message.type === 'exit') process.exit(0);
  if (message.type !== 'run') return;
  try {
    backend ??= initBackend({ prefer: message.backend });
    await backend;
    const result = await executeRun(message.spec, {
      suite: message.suite,
      scale: message.scale,
      outDir: message.outDir,
      onEvent: (event) => {
        if (event.type === 'stage' || event.type === 'epoch' || event.type === 'evaluated') {
          return send({ type: 'event', id: message.spec.id, event });
        }
      },
    });
    await send({ type: 'result', result });
  } catch (error) {
    const e = error as Error;
    await send({ type: 'error', id: message.spec.id, message: e.message, stack: e.stack ?? '' });
  }
});
await send({ type: 'ready' });
