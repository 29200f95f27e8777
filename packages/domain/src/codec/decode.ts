/**
 * `decode`: the boundary from any parsed JSON value to the domain model. Unwraps the transport, checks the
 * envelope, picks the body codec from the `event` path, and either returns the notification or lists every
 * problem found (envelope and body together). Each notification is walked once; the failure report is only
 * built when there is a failure.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { DecodeFailure, Decoded, Notification, NotificationKind } from '../notification.js'
import { Envelope } from './envelope.js'
import { extensionIdOfEvent, kindOfEvent } from './event-path.js'
import { MessageStoreBody } from './message-store.js'
import { DetailedPresenceBody, PresenceBody } from './presence.js'
import { toDecodeFailure } from './report.js'
import { Anything, DateTime } from './scalars.js'
import { isRecord, type Parser } from './struct.js'
import { TelephonySessionBody } from './telephony.js'
import { unwrap } from './transport.js'

/** A notification without its envelope: the kind and the decoded body, still linked by the union. */
type Content = Notification extends infer N ? (N extends Notification ? Omit<N, 'envelope'> : never) : never

const BODY_CODECS: { readonly [K in NotificationKind]: Parser<unknown> } = {
  'telephony-session': TelephonySessionBody,
  presence: PresenceBody,
  'detailed-presence': DetailedPresenceBody,
  'message-store': MessageStoreBody,
  unknown: Anything
}

const absent = (v: unknown): boolean => v === undefined || v === null

/** Copy of `o` with `key` set: only made in the rare case a fallback applies, never on the common path. */
const withField = (o: Readonly<Record<string, unknown>>, key: string, value: unknown): Record<string, unknown> => ({
  ...o,
  [key]: value
})

/**
 * The tolerated gaps, filled before the body codec runs so the codec checks the model as it is:
 * telephony `eventTime` missing -> the envelope `timestamp`; presence and message-store `extensionId` missing ->
 * the extension in the event path.
 */
const fillGaps = (kind: NotificationKind, body: unknown, envelope: Readonly<Record<string, unknown>>): unknown => {
  if (!isRecord(body)) return body
  if (kind === 'telephony-session') {
    if (!absent(body['eventTime'])) return body
    const timestamp = DateTime.decode(envelope['timestamp'])
    return timestamp._tag === 'Right' ? withField(body, 'eventTime', timestamp.right) : body
  }
  if (kind === 'presence' || kind === 'detailed-presence' || kind === 'message-store') {
    const event = envelope['event']
    if (!absent(body['extensionId']) || typeof event !== 'string') return body
    const fromPath = extensionIdOfEvent(event)
    return fromPath === undefined ? body : withField(body, 'extensionId', fromPath)
  }
  return body
}

/**
 * Without a usable `event` the notification fails anyway; guessing the kind from the body's shape only lets
 * the report also list the body's problems (e.g. parties without ids) instead of stopping at the envelope.
 */
const guessKind = (body: unknown): NotificationKind | undefined => {
  if (!isRecord(body)) return undefined
  if ('parties' in body || 'telephonySessionId' in body) return 'telephony-session'
  if ('activeCalls' in body) return 'detailed-presence'
  if ('changes' in body) return 'message-store'
  if ('telephonyStatus' in body || 'presenceStatus' in body) return 'presence'
  return undefined
}

const validateContent = (kind: NotificationKind, body: unknown, c: t.Context): t.Validation<Content> => {
  switch (kind) {
    case 'telephony-session':
      return E.map((b: TelephonySessionBody) => ({ kind, body: b }))(TelephonySessionBody.validate(body, c))
    case 'presence':
      return E.map((b: PresenceBody) => ({ kind, body: b }))(PresenceBody.validate(body, c))
    case 'detailed-presence':
      return E.map((b: DetailedPresenceBody) => ({ kind, body: b }))(DetailedPresenceBody.validate(body, c))
    case 'message-store':
      return E.map((b: MessageStoreBody) => ({ kind, body: b }))(MessageStoreBody.validate(body, c))
    case 'unknown':
      return t.success({ kind, body })
  }
}

/**
 * How deeply arrays and objects may nest in one notification, the transport wrapper included. Real notifications
 * nest fewer than 10 levels (envelope, body, parties, party, status, peerId). Anything deeper is refused here, at
 * the boundary: the steps after decode (content hash, canonical JSON, JSON.stringify, the folds) recurse over the
 * value, and a few thousand levels (a 20 KB body) overflowed the stack there, so one such webhook body failed its
 * whole group commit with 503 and an import stopped (the hostile-input campaign, tests/chaos).
 */
export const MAX_NESTING = 100

/** Whether `value` nests containers more than `limit` levels deep. Recursion never goes deeper than `limit`. */
const nestedDeeperThan = (value: unknown, limit: number): boolean => {
  if (typeof value !== 'object' || value === null) return false
  if (limit === 0) return true
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestedDeeperThan(value[i], limit - 1)) return true
    return false
  }
  if (!isRecord(value)) return false
  for (const key in value) {
    const member = value[key]
    if (typeof member === 'object' && member !== null && nestedDeeperThan(member, limit - 1)) return true
  }
  return false
}

const TOO_DEEP: DecodeFailure = {
  _tag: 'DecodeFailure',
  problems: [{ path: '(root)', reason: `nested deeper than ${MAX_NESTING} levels of arrays and objects` }]
}

export const decode = (input: unknown): E.Either<DecodeFailure, Decoded> => {
  if (nestedDeeperThan(input, MAX_NESTING)) return E.left(TOO_DEEP)
  const { transport, envelope } = unwrap(input)
  const root: t.Context = [{ key: '', type: Envelope, actual: envelope }]
  const head = Envelope.validate(envelope, root)
  if (!isRecord(envelope)) return E.left(toDecodeFailure(head._tag === 'Left' ? head.left : []))

  const event = envelope['event']
  const known = typeof event === 'string' && event !== ''
  const kind = known ? kindOfEvent(event) : guessKind(envelope['body'])
  const raw = envelope['body']
  const bodyContext = t.appendContext(root, 'body', BODY_CODECS[kind ?? 'unknown'], raw)
  const content: t.Validation<Content | undefined> =
    raw === undefined
      ? t.failure(raw, bodyContext)
      : kind === undefined
        ? t.success(undefined)
        : validateContent(kind, fillGaps(kind, raw, envelope), bodyContext)

  if (head._tag === 'Left' || content._tag === 'Left' || content.right === undefined) {
    const errors = [...(head._tag === 'Left' ? head.left : []), ...(content._tag === 'Left' ? content.left : [])]
    return E.left(toDecodeFailure(errors))
  }
  return E.right({ notification: { ...content.right, envelope: head.right }, transport, envelope })
}
