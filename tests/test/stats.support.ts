/**
 * Support for the stats and export tests: the real `callstate` binary (built) over temp data directories, and
 * the simulator's truth file read back as plain data.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const BIN = path.resolve(import.meta.dirname, '../../packages/adapters/cli/bin/callstate.js')
export const PAYLOADS = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`

export const tempDir = (): string => mkdtempSync(path.join(tmpdir(), 'callstate-analytics-'))

const env = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CALLSTATE_')))

/** `callstate --data-dir dir args...` to completion; throws with stderr when it fails. */
export const callstate = (dataDir: string, ...args: string[]): string => {
  const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
    encoding: 'utf8',
    env: env(),
    maxBuffer: 256 * 1024 * 1024
  })
  if (r.status !== 0) throw new Error(`callstate ${args.join(' ')}: exit ${String(r.status)}: ${r.stderr}`)
  return r.stdout
}

/** The same, returning exit code and both outputs (for usage errors). */
export const callstateRaw = (dataDir: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], { encoding: 'utf8', env: env() })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

export const callstateChild = (dataDir: string, ...args: string[]): ChildProcessWithoutNullStreams =>
  spawn(process.execPath, [BIN, '--data-dir', dataDir, ...args], { env: env() })

export const payload = (prefix: string): string => {
  const names = [
    '01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json',
    '02-rc-to-rc-internal-answered-hold-unhold-hangup.json',
    '03-rc-to-pstn-outbound-answered-hold-unhold-hangup.json'
  ]
  const name = names.find((n) => n.startsWith(prefix))
  if (name === undefined) throw new Error(`no payload ${prefix}`)
  return path.join(PAYLOADS, name)
}

export interface TruthParty {
  readonly id: string
  readonly extensionId?: string
  readonly direction: string
  readonly outcome: string
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
}

export interface TruthSession {
  readonly telephonySessionId: string
  readonly scenario: string
  readonly status: string
  readonly parties: ReadonlyArray<TruthParty>
}

type Rec = Readonly<Record<string, unknown>>
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)
const text = (r: Rec, k: string): string => {
  const v = r[k]
  if (typeof v !== 'string') throw new Error(`truth: ${k} is not a string`)
  return v
}
const count = (r: Rec, k: string): number => {
  const v = r[k]
  if (typeof v !== 'number') throw new Error(`truth: ${k} is not a number`)
  return v
}

/** The truth file (NDJSON), checked field by field. */
export const readTruth = (file: string): TruthSession[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const v: unknown = JSON.parse(line)
      if (!isRec(v) || !Array.isArray(v['parties'])) throw new Error(`truth: bad line ${line}`)
      return {
        telephonySessionId: text(v, 'telephonySessionId'),
        scenario: text(v, 'scenario'),
        status: text(v, 'status'),
        parties: v['parties'].map((p: unknown): TruthParty => {
          if (!isRec(p)) throw new Error('truth: bad party')
          const ext = p['extensionId']
          return {
            id: text(p, 'id'),
            ...(typeof ext === 'string' ? { extensionId: ext } : {}),
            direction: text(p, 'direction'),
            outcome: text(p, 'outcome'),
            ringMs: count(p, 'ringMs'),
            talkMs: count(p, 'talkMs'),
            holdMs: count(p, 'holdMs')
          }
        })
      }
    })

/** A `stats --json` row with every counter at zero: tests spell the contract's field names here, once. */
export const zeroRow = (key: string) => ({
  key,
  calls: 0,
  inbound: 0,
  outbound: 0,
  answered: 0,
  missed: 0,
  voicemail: 0,
  cancelled: 0,
  transferred: 0,
  ringMs: 0,
  talkMs: 0,
  holdMs: 0,
  avgRingMs: 0,
  avgTalkMs: 0,
  avgHoldMs: 0,
  voicemailsLeft: 0
})
