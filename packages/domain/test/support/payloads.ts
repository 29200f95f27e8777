/**
 * Test support: read the real captures in ../shared/payloads as they are and decode them with the real `decode`.
 * Payload 08 has no envelope and no party ids: `strippedBodies` narrows those bodies by hand (no casts: every field
 * is checked) and gives the party the id the test chooses.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import {
  decode,
  formatDecodeFailure,
  type Endpoint,
  type Notification,
  type Party,
  type PeerId,
  type TelephonySessionBody
} from '../../src/index.js'

export const PAYLOADS = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`

export const loadPayload = (prefix: string): unknown => {
  const name = readdirSync(PAYLOADS).find((f) => f.startsWith(prefix))
  if (name === undefined) throw new Error(`no payload ${prefix}`)
  const value: unknown = JSON.parse(readFileSync(join(PAYLOADS, name), 'utf8'))
  return value
}

type Rec = Readonly<Record<string, unknown>>
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)
const rec = (v: unknown): Rec => (isRecord(v) ? v : {})
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined)
const list = (v: unknown): ReadonlyArray<unknown> => (Array.isArray(v) ? v : [])

const endpoint = (v: unknown): Endpoint | undefined => {
  if (!isRecord(v)) return undefined
  return {
    phoneNumber: str(v.phoneNumber),
    name: str(v.name),
    extensionId: str(v.extensionId),
    deviceId: str(v.deviceId)
  }
}

const peerId = (v: unknown): PeerId | undefined =>
  isRecord(v)
    ? { sessionId: str(v.sessionId), telephonySessionId: str(v.telephonySessionId), partyId: str(v.partyId) }
    : undefined

/** A party object; `id` fills in a missing party id (payload 08 strips them). */
export const party = (v: unknown, id?: string): Party => {
  const p = rec(v)
  const status = rec(p.status)
  return {
    id: str(p.id) ?? id ?? '',
    accountId: str(p.accountId),
    extensionId: str(p.extensionId),
    direction: str(p.direction),
    from: endpoint(p.from),
    to: endpoint(p.to),
    status: { code: str(status.code) ?? '', reason: str(status.reason), peerId: peerId(status.peerId) },
    queueCall: bool(p.queueCall),
    ringOutRole: str(p.ringOutRole)
  }
}

export const telephonyBody = (v: unknown, partyId?: string): TelephonySessionBody => {
  const b = rec(v)
  const origin = rec(b.origin)
  return {
    sequence: typeof b.sequence === 'number' ? b.sequence : -1,
    telephonySessionId: str(b.telephonySessionId) ?? '',
    sessionId: str(b.sessionId),
    eventTime: str(b.eventTime),
    origin: str(origin.type),
    parties: list(b.parties).map((p) => party(p, partyId))
  }
}

/** The bodies of a payload file of `{ body }` objects with no envelope (08), narrowed by hand. */
export const strippedBodies = (prefix: string, partyId: string): TelephonySessionBody[] =>
  list(loadPayload(prefix)).map((e) => telephonyBody(rec(e).body, partyId))

/** Every notification of a payload file that is an array of envelopes, through the real decoder. */
export const decodedPayload = (prefix: string): Notification[] =>
  list(loadPayload(prefix)).map((input) => {
    const decoded = decode(input)
    if (E.isLeft(decoded)) throw new Error(`payload ${prefix} does not decode: ${formatDecodeFailure(decoded.left)}`)
    return decoded.right.notification
  })

/** The telephony-session bodies of a payload file, decoded. */
export const sessionBodies = (prefix: string): TelephonySessionBody[] =>
  decodedPayload(prefix).flatMap((n) => (n.kind === 'telephony-session' ? [n.body] : []))
