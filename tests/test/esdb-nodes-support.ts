/**
 * What serve.esdb-nodes.test.ts feeds two `serve` nodes and reads back: the real captures and a simulated slice as
 * webhook bodies, copies of notifications as a second subscription would deliver them, a seeded shuffle, a post
 * retried on 503 as RingCentral retries, a node's `/health`, and `verify --json`.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { DEFAULT_OPTIONS, simulateLines } from '@callstate/simulator'
import { cliAsync, sampleLines } from './cli-helpers.js'
import { PAYLOADS, json, post, type ServeChild } from './serve-helpers.js'

/** Every capture of ../shared/payloads as webhook bodies: arrays element by element, objects value by value. */
export const captureTexts = (): string[] => {
  const texts: string[] = []
  for (const file of readdirSync(PAYLOADS)
    .filter((f) => /^0\d-.*\.json$/.test(f))
    .sort()) {
    const value: unknown = JSON.parse(readFileSync(path.join(PAYLOADS, file), 'utf8'))
    const items: unknown[] = Array.isArray(value)
      ? value
      : typeof value === 'object' && value !== null
        ? Object.values(value)
        : []
    texts.push(...items.map((v) => JSON.stringify(v)))
  }
  // 10-13: documentation samples (two of them not JSON: quarantined), a WebSocket frame, fragments.
  return [...texts, ...sampleLines()]
}

/** The first `lines` lines of a simulated day with duplicates, reordering and malformed lines. */
export const simulatedSlice = (lines: number): string[] => {
  const out: string[] = []
  const options = { ...DEFAULT_OPTIONS, calls: 80, extensions: 8, seed: 18 }
  for (const line of simulateLines({ ...options, duplicateRate: 0.05, reorderRate: 0.05, malformedRate: 0.02 })) {
    if (out.length === lines) break
    out.push(line)
  }
  return out
}

export const uuidsOf = (text: string): string[] => [...text.matchAll(/"uuid":"([^"]+)"/g)].map((m) => m[1] ?? '')

/**
 * The texts whose uuids no other text carries with other content. Such a pair is kept apart: its copies name
 * different calls (RingCentral's documentation samples reuse one uuid in payloads 10 and 11), so they land in
 * different streams, where EventStoreDB (ids unique per stream) keeps both and the embedded log (ids unique with
 * the notification time) keeps the first and quarantines the other as a conflict (docs/eventstoredb.md).
 */
export const withoutCrossCallUuids = (texts: ReadonlyArray<string>): { kept: string[]; apart: string[] } => {
  const byUuid = new Map<string, Set<string>>()
  for (const t of texts) for (const u of uuidsOf(t)) byUuid.set(u, (byUuid.get(u) ?? new Set<string>()).add(t))
  const shared = (t: string): boolean => uuidsOf(t).some((u) => (byUuid.get(u)?.size ?? 0) > 1)
  return { kept: texts.filter((t) => !shared(t)), apart: texts.filter(shared) }
}

/** The same notification as another subscription delivers it: same uuid, same call, another `subscriptionId`. */
export const otherSubscriptionCopy = (text: string): string | undefined => {
  const value: unknown = JSON.parse(text)
  if (typeof value !== 'object' || value === null || typeof Reflect.get(value, 'uuid') !== 'string') return undefined
  return JSON.stringify({ ...value, subscriptionId: '00000000-0000-4000-8000-0000000000ff' })
}

/** A seeded shuffle (xorshift32), so a failing order can be replayed. */
export const shuffled = <A>(items: ReadonlyArray<A>, seed: number): A[] => {
  const out = [...items]
  let x = seed >>> 0 || 1
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    const j = x % (i + 1)
    const a = out[i]
    const b = out[j]
    if (a === undefined || b === undefined) continue
    out[i] = b
    out[j] = a
  }
  return out
}

/** The statuses one post got: a 503 is sent again, as RingCentral does (it waits longer; the test needs the retry). */
export const deliver = async (url: string, text: string, tries = 20): Promise<number[]> => {
  const statuses: number[] = []
  for (let i = 0; i < tries; i++) {
    const r = await post(`${url}/webhook`, text)
    await r.text()
    statuses.push(r.status)
    if (r.status !== 503) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return statuses
}

export interface Health {
  readonly head: number | undefined
  readonly checkpoint: number | null
}

export const healthOf = async (node: ServeChild): Promise<Health> => {
  const value = await json(await fetch(`${node.url}/health`))
  if (typeof value !== 'object' || value === null) throw new Error(`/health answered ${String(value)}`)
  const field = (part: string, name: string): unknown => {
    const o: unknown = Reflect.get(value, part)
    return typeof o === 'object' && o !== null ? Reflect.get(o, name) : undefined
  }
  const head = field('store', 'head')
  const checkpoint = field('projections', 'checkpoint')
  return {
    head: typeof head === 'number' ? head : undefined,
    checkpoint: typeof checkpoint === 'number' ? checkpoint : null
  }
}

/** The reasons a node logged when it answered 503 (`--log-level warn` keeps them), from its stdout. */
export const storeFailures = (output: string): string[] =>
  output
    .split('\n')
    .filter((l) => l.includes('store failed'))
    .map((l) => {
      const line: unknown = JSON.parse(l)
      return typeof line === 'object' && line !== null ? JSON.stringify(Reflect.get(line, 'failure')) : l
    })

/** Runs `callstate args...` and parses its one JSON object. */
export const cliJson = async (args: ReadonlyArray<string>): Promise<Record<string, unknown>> => {
  const run = await cliAsync(args).done
  if (run.code !== 0) throw new Error(`callstate ${args.join(' ')}: exit ${String(run.code)}: ${run.stderr}`)
  const value: unknown = JSON.parse(run.stdout)
  if (typeof value !== 'object' || value === null) throw new Error(`not a JSON object: ${run.stdout}`)
  return { ...value }
}

export interface Verdict {
  readonly equal: boolean
  readonly live: string
  readonly rebuilt: string
  readonly checkpoint: number
}

export const verify = async (dir: string, esdb: string): Promise<Verdict> => {
  const v = await cliJson(['--data-dir', dir, '--esdb', esdb, 'verify', '--json'])
  return {
    equal: v['equal'] === true,
    live: String(v['live']),
    rebuilt: String(v['rebuilt']),
    checkpoint: Number(v['checkpoint'])
  }
}

/** A quarantine entry's reason and uuid, from its stored data. */
export const quarantined = (data: string): { reason: string; uuid: string | undefined } => {
  const value: unknown = JSON.parse(data)
  const field = (name: string): unknown =>
    typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined
  const uuid = field('uuid')
  return { reason: String(field('reason')), uuid: typeof uuid === 'string' ? uuid : undefined }
}
