/**
 * Starting one of this package's worker threads, from the build (`dist/*.js`) or from the TypeScript sources (the
 * tests run them through tsx). A worker thread does not inherit tsx's loader, so from the sources it registers tsx
 * itself before loading the .ts file.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads'

/** `relative` is the entry module without extension, resolved against `base` (the caller's `import.meta.url`). */
export const startWorker = (base: string, relative: string, options: WorkerOptions): Worker => {
  if (!base.endsWith('.ts')) return new Worker(new URL(`${relative}.js`, base), options)
  const entry = JSON.stringify(new URL(`${relative}.ts`, base).href)
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}) })`
  return new Worker(boot, { ...options, eval: true })
}
