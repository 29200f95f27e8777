/** Where the bench finds the built packages and keeps its scratch files. */
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const ROOT = path.resolve(BENCH_DIR, '..')
export const DEFAULT_WORK_DIR = path.join(BENCH_DIR, '.work')
export const DEFAULT_REPORT = path.join(ROOT, 'BENCHMARKS.md')
export const CALLSTATE_BIN = path.join(ROOT, 'packages', 'adapters', 'cli', 'bin', 'callstate.js')
