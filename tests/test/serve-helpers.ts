/**
 * Helpers for the `serve` tests: a real server (the adapters' buildServer) over a real SQLite store in a temp
 * directory, listening on 127.0.0.1 on an ephemeral port, with its JSON log lines captured.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import * as E from 'fp-ts/lib/Either.js'
import { openSqliteStore } from '@callstate/sqlite'
import { startServe, type RunningServe, type ServeOptions } from '@callstate/cli'
import type { StoredEvent } from '@callstate/projections'

export const BIN = path.resolve(import.meta.dirname, '../../packages/adapters/cli/bin/callstate.js')

export const PAYLOADS = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`

export const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-serve-'))

/** The elements of a payload file that is a JSON array, each as its own JSON text. */
export const payloadTexts = (file: string): string[] => {
  const value: unknown = JSON.parse(fs.readFileSync(path.join(PAYLOADS, file), 'utf8'))
  if (!Array.isArray(value)) throw new Error(`${file} is not an array`)
  return value.map((v: unknown) => JSON.stringify(v))
}

export const P01 = '01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json'
export const P02 = '02-rc-to-rc-internal-answered-hold-unhold-hangup.json'
export const P03 = '03-rc-to-pstn-outbound-answered-hold-unhold-hangup.json'

export interface TestServer extends RunningServe {
  readonly url: string
  readonly dataDir: string
  /** Every log line written so far, parsed. */
  readonly logs: () => Array<Record<string, unknown>>
  /** Every log line written so far, as text. */
  readonly logText: () => string
}

export const startTestServer = async (options: Partial<ServeOptions> = {}): Promise<TestServer> => {
  const dataDir = options.dataDir ?? tempDir()
  let text = ''
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString()
      done()
    }
  })
  const started = await startServe({
    host: '127.0.0.1',
    port: 0,
    webhookPath: '/webhook',
    bodyLimit: 1024 * 1024,
    staleAfterMs: 4 * 3600 * 1000,
    logLevel: 'info',
    ...options,
    dataDir,
    logDestination: sink,
    warn: () => undefined
  })
  if (E.isLeft(started)) throw new Error(`serve did not start: ${started.left.message}`)
  const running = started.right
  return {
    ...running,
    url: running.url,
    dataDir,
    logText: () => text,
    logs: () =>
      text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l): Record<string, unknown> => {
          const v: unknown = JSON.parse(l)
          return typeof v === 'object' && v !== null ? { ...v } : {}
        })
  }
}

/** Every event in the log of a data directory, read through a fresh store. */
export const logOf = async (dataDir: string): Promise<ReadonlyArray<StoredEvent>> => {
  const opened = openSqliteStore({ dataDir })
  if (E.isLeft(opened)) throw new Error(`cannot open store: ${JSON.stringify(opened.left)}`)
  const store = opened.right
  const all = await store.readAll(0, 1_000_000)()
  await store.close()
  if (E.isLeft(all)) throw new Error(`cannot read: ${JSON.stringify(all.left)}`)
  return all.right
}

export const post = (url: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })

export const json = async (response: Response): Promise<unknown> => JSON.parse(await response.text())

/** Polls `probe` until it returns a value (not undefined), up to `tries` times; undefined if it never does. */
export const eventually = async <A>(probe: () => Promise<A | undefined>, tries = 200): Promise<A | undefined> => {
  for (let i = 0; i < tries; i++) {
    const value = await probe()
    if (value !== undefined) return value
    await new Promise((r) => setTimeout(r, 25))
  }
  return undefined
}

/** Runs `tasks` with at most `limit` in flight. */
export const pool = async <A>(tasks: ReadonlyArray<() => Promise<A>>, limit: number): Promise<A[]> => {
  const results: A[] = new Array<A>(tasks.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++
      const task = tasks[i]
      if (task !== undefined) results[i] = await task()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  return results
}

/**
 * `n` distinct, valid telephony notifications shaped like payload 01's first event: uuid `load-<i>`, each in
 * its own session `s-load-<i>`.
 */
export const syntheticNotifications = (n: number, prefix = 'load'): Array<{ uuid: string; text: string }> => {
  const template: unknown = JSON.parse(payloadTexts(P01)[0] ?? '{}')
  if (typeof template !== 'object' || template === null || !('body' in template)) throw new Error('bad template')
  const body = template.body
  if (typeof body !== 'object' || body === null) throw new Error('bad template body')
  return Array.from({ length: n }, (_, i) => {
    const uuid = `${prefix}-${i}`
    return {
      uuid,
      text: JSON.stringify({ ...template, uuid, body: { ...body, telephonySessionId: `s-${prefix}-${i}` } })
    }
  })
}

export interface ServeChild {
  readonly process: ChildProcess
  readonly url: string
  readonly exited: Promise<number | null>
  /** What the child wrote on stdout so far: its JSON log lines (at `--log-level warn`: warnings and errors). */
  readonly output: () => string
}

export interface ServeProcessOptions {
  /** Global options given before `serve`, e.g. `['--esdb', url]`. */
  readonly globalArgs?: ReadonlyArray<string>
}

/** Starts the real `callstate serve` binary as a child process on a free port and resolves once it says where it listens. */
export const serveProcess = (dataDir: string, options: ServeProcessOptions = {}): Promise<ServeChild> =>
  new Promise((resolve, reject) => {
    // The test's own environment must not configure the child (tokens, port).
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CALLSTATE_')))
    const args = [
      BIN,
      '--data-dir',
      dataDir,
      ...(options.globalArgs ?? []),
      'serve',
      '--port',
      '0',
      '--log-level',
      'warn'
    ]
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    let stdout = ''
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)
      if (m?.[1] !== undefined) resolve({ process: child, url: m[1], exited, output: () => stdout })
    })
    void exited.then((code) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)))
  })
