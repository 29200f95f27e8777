/**
 * What the `crash` and `backup` campaigns share: the real `callstate serve` binary as a child process (its exit
 * code and signal, its stderr kept in a file), the real `callstate` command run without blocking the event loop,
 * several concurrent posters sending distinct notifications to the webhook and recording every answer, and the
 * log of a data directory counted by uuid.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { readLog } from '../test/cli-helpers.js'
import { BIN, payloadTexts, P01 } from '../test/serve-helpers.js'
import type { StoredEvent } from '@callstate/projections'

/** The test process's own CALLSTATE_* settings must not configure the children (tokens, port, data dir). */
const childEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CALLSTATE_')))

export interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

export interface ServeRun {
  readonly process: ChildProcess
  readonly url: string
  readonly exited: Promise<Exit>
  /** Milliseconds from spawn to "listening on". */
  readonly startMs: number
  /** Everything it wrote to stderr so far. */
  readonly stderr: () => string
}

/** Starts `callstate serve` on `dataDir` (a free port) and resolves once it listens; its stderr is appended to `logFile`. */
export const startServe = (dataDir: string, logFile: string): Promise<ServeRun> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'serve', '--port', '0', '--log-level', 'warn'], {
      env: childEnv(),
      stdio: ['ignore', 'ignore', 'pipe']
    })
    const exited = new Promise<Exit>((r) => child.on('exit', (code, signal) => r({ code, signal })))
    let stderr = ''
    let listening = false
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      fs.appendFileSync(logFile, chunk)
      const m = listening ? null : /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)
      if (m?.[1] !== undefined) {
        listening = true
        resolve({ process: child, url: m[1], exited, startMs: performance.now() - started, stderr: () => stderr })
      }
    })
    void exited.then((e) => {
      if (!listening) reject(new Error(`serve exited (${e.code ?? e.signal}) before listening: ${stderr}`))
    })
  })

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `callstate args...` to the end without blocking the event loop (the posters keep sending meanwhile). */
export const callstate = (args: ReadonlyArray<string>): Promise<CliRun> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })

/** `callstate verify --json` on a data directory: equal, and the digests it compared. */
export const verify = async (
  dataDir: string
): Promise<{ equal: boolean; live?: string; checkpoint?: number; run: CliRun }> => {
  const run = await callstate(['--data-dir', dataDir, 'verify', '--json'])
  try {
    const v: unknown = JSON.parse(run.stdout)
    const get = (k: string): unknown => (typeof v === 'object' && v !== null ? Reflect.get(v, k) : undefined)
    const live = get('live')
    const checkpoint = get('checkpoint')
    return {
      equal: run.code === 0 && get('equal') === true,
      ...(typeof live === 'string' ? { live } : {}),
      ...(typeof checkpoint === 'number' ? { checkpoint } : {}),
      run
    }
  } catch {
    return { equal: false, run }
  }
}

/** A valid telephony notification shaped like payload 01's first event, in its own session, with this uuid. */
export const notificationMaker = (): ((uuid: string) => string) => {
  const template: unknown = JSON.parse(payloadTexts(P01)[0] ?? '{}')
  if (typeof template !== 'object' || template === null || !('body' in template)) throw new Error('bad template')
  const body = template.body
  if (typeof body !== 'object' || body === null) throw new Error('bad template body')
  return (uuid) => JSON.stringify({ ...template, uuid, body: { ...body, telephonySessionId: `s-${uuid}` } })
}

export interface Load {
  /** Stops sending new requests; resolves when every poster has its last answer (or error). */
  readonly stop: () => Promise<void>
  /** uuids answered 200. */
  readonly acked: ReadonlyArray<string>
  readonly sent: () => number
  /** Requests sent and not answered at all (a connection error, a reset: the server died or closed). */
  readonly unanswered: () => number
  /** Answers by status code. */
  readonly statuses: () => Readonly<Record<string, number>>
}

/** `posters` concurrent loops, each sending the next notification as soon as the previous one is answered. */
export const startLoad = (url: string, posters: number, uuidOf: (i: number) => string): Load => {
  const make = notificationMaker()
  const acked: string[] = []
  const statuses: Record<string, number> = {}
  let next = 0
  let unanswered = 0
  let stopped = false
  const poster = async (): Promise<void> => {
    while (!stopped) {
      const uuid = uuidOf(next++)
      try {
        const response = await fetch(`${url}/webhook`, {
          method: 'POST',
          body: make(uuid),
          headers: { 'content-type': 'application/json' }
        })
        await response.arrayBuffer()
        statuses[response.status] = (statuses[response.status] ?? 0) + 1
        if (response.status === 200) acked.push(uuid)
      } catch {
        unanswered++
        // The server is gone (killed): the next requests would be refused at once; leave it to the caller.
        await new Promise((r) => setTimeout(r, 20))
      }
    }
  }
  const running = Promise.all(Array.from({ length: posters }, poster))
  return {
    stop: async () => {
      stopped = true
      await running
    },
    acked,
    sent: () => next,
    unanswered: () => unanswered,
    statuses: () => ({ ...statuses })
  }
}

export interface LogCount {
  readonly events: ReadonlyArray<StoredEvent>
  /** uuid -> how many events carry it. */
  readonly byUuid: ReadonlyMap<string, number>
  /** Events beyond the first for a uuid, an id or a position. */
  readonly duplicateUuids: number
  readonly duplicateIds: number
  readonly duplicatePositions: number
  /** Positions are exactly 1..n. */
  readonly gapFree: boolean
}

export const countLog = async (dataDir: string): Promise<LogCount> => {
  const events = await readLog(dataDir)
  const byUuid = new Map<string, number>()
  for (const e of events) {
    const u = e.metadata.uuid ?? `(no uuid) ${e.id}`
    byUuid.set(u, (byUuid.get(u) ?? 0) + 1)
  }
  return {
    events,
    byUuid,
    duplicateUuids: [...byUuid.values()].reduce((n, c) => n + (c - 1), 0),
    duplicateIds: events.length - new Set(events.map((e) => e.id)).size,
    duplicatePositions: events.length - new Set(events.map((e) => e.position)).size,
    gapFree: events.every((e, i) => e.position === i + 1)
  }
}

/** A small seeded PRNG (mulberry32): the same seed gives the same kill moments. */
export const random = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A stack trace or an "unexpected error" line in a child's stderr: callstate crashed rather than failed cleanly. */
export const looksLikeCrash = (stderr: string): boolean =>
  /unexpected error|^\s+at .+:\d+:\d+\)?$|FATAL ERROR|Segmentation fault/m.test(stderr)
