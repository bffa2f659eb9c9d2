/**
 * Start a worker thread running a TypeScript module, under tsx or vitest alike.  Node's module
 * hooks (tsx's loader) do not reach worker threads, so the worker boots from a tiny CommonJS
 * script that registers tsx's ESM loader, then imports the entry module (its URL is passed in
 * `workerData.__entry`).  The entry reads its own data from `workerData`.
 */
import { Worker } from 'node:worker_threads';

const BOOT = `const { workerData } = require('node:worker_threads');
import('tsx/esm/api').then((m) => { m.register(); return import(workerData.__entry); })
  .catch((e) => { console.error(e); process.exit(1); });`;

export function spawnTsWorker(entry: URL, workerData: Record<string, unknown> = {}): Worker {
  return new Worker(BOOT, { eval: true, workerData: { ...workerData, __entry: entry.href } });
}

/** A request/response channel over a worker: messages carry an id; replies resolve in order. */
export class WorkerChannel {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private dead: Error | undefined;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.ok) w.resolve(m.value);
      else w.reject(new Error(m.error));
    });
    const die = (e: Error) => {
      this.dead = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`worker exited (code ${code})`)));
  }

  call<T>(op: string, args: unknown = {}, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, args }, transfer);
    });
  }

  async close(): Promise<void> {
    this.dead ??= new Error('closed');
    await this.worker.terminate();
  }
}

/** Serve a worker's side of a WorkerChannel: `handlers[op](args)` answers each request. */
export function serveWorker(port: import('node:worker_threads').MessagePort, handlers: Record<string, (args: never) => unknown>): void {
  port.on('message', async (m: { id: number; op: string; args: unknown }) => {
    try {
      const h = handlers[m.op];
      if (!h) throw new Error(`worker: unknown op ${m.op}`);
      const value = await h(m.args as never);
      port.postMessage({ id: m.id, ok: true, value });
    } catch (e) {
      port.postMessage({ id: m.id, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
    }
  });
}
