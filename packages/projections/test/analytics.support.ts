/**
 * Test support for the analytics tests: real captures decoded with the real `decode` and folded with the real
 * session fold, and small hand-built bodies for the rules no capture shows (queue, RingOut, device switch).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import {
  decode,
  emptySession,
  evolveSessionWith,
  formatDecodeFailure,
  type Party,
  type SessionState,
  type TelephonySessionBody
} from '@callstate/domain'

export const PAYLOADS = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`

const bodiesOf = (prefix: string): TelephonySessionBody[] => {
  const name = readdirSync(PAYLOADS).find((f) => f.startsWith(prefix))
  if (name === undefined) throw new Error(`no payload ${prefix}`)
  const value: unknown = JSON.parse(readFileSync(join(PAYLOADS, name), 'utf8'))
  const items: unknown[] = Array.isArray(value) ? value : [value]
  return items.flatMap((item) => {
    const decoded = decode(item)
    if (E.isLeft(decoded)) throw new Error(`${name}: ${formatDecodeFailure(decoded.left)}`)
    const n = decoded.right.notification
    return n.kind === 'telephony-session' ? [n.body] : []
  })
}

/** The sessions of the captures (by payload file prefix), folded, sorted by id. */
export const sessionsOf = (...prefixes: string[]): SessionState[] => fold(prefixes.flatMap(bodiesOf))

export const fold = (bodies: ReadonlyArray<TelephonySessionBody>): SessionState[] => {
  const ids = [...new Set(bodies.map((b) => b.telephonySessionId))].sort()
  return ids.map((id) => evolveSessionWith(emptySession(id), bodies))
}

/** 2026-01-05T<hh:mm:ss> UTC plus `seconds`. */
export const at = (seconds: number, base = '2026-01-05T10:00:00.000Z'): string =>
  new Date(Date.parse(base) + seconds * 1000).toISOString()

export interface Step {
  readonly s: number
  readonly party: Party
}

/** One body per step, sequences from 2 in step order, for session `id`. */
export const script = (
  id: string,
  steps: ReadonlyArray<Step>,
  options: { readonly base?: string; readonly origin?: string } = {}
): TelephonySessionBody[] =>
  steps.map((step, i) => ({
    sequence: i + 2,
    telephonySessionId: id,
    eventTime: at(step.s, options.base),
    origin: options.origin ?? 'Call',
    parties: [step.party]
  }))

export const p = (
  id: string,
  code: string,
  extra: Partial<Omit<Party, 'id' | 'status'>> = {},
  reason?: string
): Party => ({
  id,
  ...extra,
  status: reason === undefined ? { code } : { code, reason }
})
