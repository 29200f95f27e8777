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
  readonly queueCall: boolean
  readonly answered: boolean
  readonly outcome: string
  readonly endedBy: string | null
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
}

export interface TruthAgent {
  readonly extensionId: string
  readonly answered: boolean
  readonly outcome: string
  readonly talkMs: number
  readonly holdMs: number
}

export interface TruthQueue {
  readonly id: string
  readonly name: string
  readonly waitMs: number
  readonly answered: boolean
  readonly abandoned: boolean
  readonly voicemail: boolean
  readonly agents: ReadonlyArray<TruthAgent>
}

export interface TruthSession {
  readonly telephonySessionId: string
  /** The simulator's call number: the sessions of one customer call (transfer, conference) share it. */
  readonly callId: number
  readonly scenario: string
  readonly status: string
  readonly startedAt: string
  readonly endedAt: string | null
  readonly parties: ReadonlyArray<TruthParty>
  readonly queue: TruthQueue | null
}

type Rec = Readonly<Record<string, unknown>>
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)
const text = (r: Rec, k: string): string => {
  const v = r[k]
  if (typeof v !== 'string') throw new Error(`truth: ${k} is not a string`)
  return v
}
const textOrNull = (r: Rec, k: string): string | null => (r[k] === null ? null : text(r, k))
const count = (r: Rec, k: string): number => {
  const v = r[k]
  if (typeof v !== 'number') throw new Error(`truth: ${k} is not a number`)
  return v
}
const flag = (r: Rec, k: string): boolean => {
  const v = r[k]
  if (typeof v !== 'boolean') throw new Error(`truth: ${k} is not a boolean`)
  return v
}

const queueOf = (v: unknown): TruthQueue | null => {
  if (v === null) return null
  if (!isRec(v)) throw new Error('truth: bad queue')
  const agents = v['agents']
  if (!Array.isArray(agents)) throw new Error('truth: queue agents is not an array')
  return {
    id: text(v, 'id'),
    name: text(v, 'name'),
    waitMs: count(v, 'waitMs'),
    answered: flag(v, 'answered'),
    abandoned: flag(v, 'abandoned'),
    voicemail: flag(v, 'voicemail'),
    agents: agents.map((a: unknown): TruthAgent => {
      if (!isRec(a)) throw new Error('truth: bad agent')
      return {
        extensionId: text(a, 'extensionId'),
        answered: flag(a, 'answered'),
        outcome: text(a, 'outcome'),
        talkMs: count(a, 'talkMs'),
        holdMs: count(a, 'holdMs')
      }
    })
  }
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
        callId: count(v, 'callId'),
        scenario: text(v, 'scenario'),
        status: text(v, 'status'),
        startedAt: text(v, 'startedAt'),
        endedAt: textOrNull(v, 'endedAt'),
        parties: v['parties'].map((p: unknown): TruthParty => {
          if (!isRec(p)) throw new Error('truth: bad party')
          const ext = p['extensionId']
          return {
            id: text(p, 'id'),
            ...(typeof ext === 'string' ? { extensionId: ext } : {}),
            direction: text(p, 'direction'),
            queueCall: flag(p, 'queueCall'),
            answered: flag(p, 'answered'),
            outcome: text(p, 'outcome'),
            endedBy: textOrNull(p, 'endedBy'),
            ringMs: count(p, 'ringMs'),
            talkMs: count(p, 'talkMs'),
            holdMs: count(p, 'holdMs')
          }
        }),
        queue: queueOf(v['queue'])
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
  unknownEnd: 0,
  ringMs: 0,
  talkMs: 0,
  holdMs: 0,
  avgRingMs: 0,
  avgTalkMs: 0,
  avgHoldMs: 0,
  voicemailsLeft: 0
})
