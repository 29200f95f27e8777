/**
 * Helpers for the tests that drive the real built `callstate` binary over temp data directories:
 * running it (sync and async), reading the log back through the real SQLite store, and the payload
 * samples of files 10-13 written out as NDJSON lines.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { openSqliteStore } from '@callstate/sqlite'
import type { StoredEvent } from '@callstate/projections'

export const BIN = path.resolve(import.meta.dirname, '../../packages/adapters/cli/bin/callstate.js')
export const PAYLOADS = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export const tempDir = (prefix: string): string => mkdtempSync(path.join(tmpdir(), `callstate-${prefix}-`))

/** Runs `callstate args...` to completion. Env: CALLSTATE_* of the test process are not inherited. */
export const cli = (args: ReadonlyArray<string>, options: { input?: string; env?: Record<string, string> } = {}) => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CALLSTATE_')))
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...env, ...options.env },
    maxBuffer: 256 * 1024 * 1024
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Starts `callstate args...` in the background (with `env` instead of this process's environment when given). */
export const cliAsync = (args: ReadonlyArray<string>, env?: NodeJS.ProcessEnv) => {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
  return { child, done }
}

/** The whole log of a data directory, read through the real store. */
export const readLog = async (dataDir: string): Promise<StoredEvent[]> => {
  const opened = openSqliteStore({ dataDir })
  if (E.isLeft(opened)) throw new Error(`cannot open ${dataDir}: ${JSON.stringify(opened.left)}`)
  const store = opened.right
  const events: StoredEvent[] = []
  try {
    for (;;) {
      const page = await store.readAll(events[events.length - 1]?.position ?? 0, 50_000)()
      if (E.isLeft(page)) throw new Error(JSON.stringify(page.left))
      events.push(...page.right)
      if (page.right.length < 50_000) return events
    }
  } finally {
    await store.close()
  }
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(PAYLOADS, file), 'utf8'))

const entries = (value: unknown): unknown[] =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.values(value) : []

/**
 * The samples of payloads 10-13 as NDJSON lines, in file and key order: each sample of 10 and 11 on its own
 * line (a sample kept as `_raw` text because it is not valid JSON in its source is written as that text on
 * one line), then 12 and 13, each a single object.
 */
export const sampleLines = (): string[] => {
  const lines: string[] = []
  for (const file of [
    '10-docs-single-event-samples-presence-telephony-voicemail-messagestore.json',
    '11-js-widgets-mock-ws-frame-presence-and-telephony-session.json'
  ])
    for (const sample of entries(readJson(file))) {
      const raw: unknown = typeof sample === 'object' && sample !== null ? Reflect.get(sample, '_raw') : undefined
      lines.push(typeof raw === 'string' ? raw.replace(/\n/g, ' ') : JSON.stringify(sample))
    }
  for (const file of [
    '12-conference-merge-gone-peerId-fragment.json',
    '13-ringout-session-rest-snapshot-both-parties-inbound.json'
  ])
    lines.push(JSON.stringify(readJson(file)))
  return lines
}

export const writeLines = (dir: string, name: string, lines: ReadonlyArray<string>): string => {
  const file = path.join(dir, name)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

/** Parses a command's stdout as JSON, failing with the command's stderr when it is not. */
export const parseJson = (r: CliResult): unknown => {
  if (r.code !== 0) throw new Error(`exit ${String(r.code)}: ${r.stderr}`)
  return JSON.parse(r.stdout)
}
