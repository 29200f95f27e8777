/**
 * The pure half of ingest: one raw input item -> the events to append (a notification event, or a quarantine
 * entry). Parse once, decode once, hash once. No store access and no clock: `receivedAt` comes in.
 * (Hashing and UUIDv5 are deterministic functions of the input.)
 */
import * as E from 'fp-ts/lib/Either.js'
import { decode, type Decoded, type DecodeFailure } from '@callstate/domain'
import {
  streams,
  type EventType,
  type NewEvent,
  type Source,
  describeError,
  occurredAtOf
} from '@callstate/projections'
import { ArraySplitter } from './array-splitter.js'
import { contentHash } from './content-hash.js'
import { notificationEventId, quarantineEventId, sha256Hex } from './ids.js'
import type { QuarantinedData, QuarantineReason } from '@callstate/projections'
import type { RawItem } from './readers.js'

export interface PreparedNotification {
  readonly _tag: 'notification'
  readonly sourceRef: string
  readonly raw: string
  readonly source: Source
  readonly stream: string
  readonly event: NewEvent
  /** The notification uuid and content hash (also in `event.metadata`, repeated here typed as present). */
  readonly uuid: string
  readonly contentHash: string
}

export interface PreparedQuarantine {
  readonly _tag: 'quarantine'
  readonly sourceRef: string
  readonly reason: QuarantineReason
  readonly reasons: ReadonlyArray<string>
  readonly event: NewEvent
}

export type Prepared = PreparedNotification | PreparedQuarantine

const eventTypeOf: Record<Decoded['notification']['kind'], EventType> = {
  'telephony-session': 'TelephonySessionNotification',
  presence: 'PresenceNotification',
  'detailed-presence': 'DetailedPresenceNotification',
  'message-store': 'MessageStoreNotification',
  unknown: 'UnknownNotification'
}

export const streamOf = (n: Decoded['notification']): string => {
  switch (n.kind) {
    case 'telephony-session':
      return streams.session(n.body.telephonySessionId)
    case 'presence':
    case 'detailed-presence':
      return streams.presence(n.body.extensionId)
    case 'message-store':
      return streams.messages(n.body.extensionId)
    case 'unknown':
      return streams.unknown
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A WebSocket frame `[ {type: 'ServerNotification', ...}, envelope ]`: its head is a header, not an envelope. */
const isFrame = (value: ReadonlyArray<unknown>): boolean => {
  const head = value[0]
  return isObject(head) && typeof head['type'] === 'string' && !('uuid' in head) && !('event' in head)
}

/**
 * Whether a value that failed decoding was at least trying to be a notification (so the failure is a decode
 * failure worth retrying with a better decoder) rather than something else entirely (`{"hello":1}`, `42`).
 */
const looksLikeNotification = (value: unknown): boolean =>
  Array.isArray(value)
    ? isFrame(value)
    : isObject(value) && ['uuid', 'event', 'body', 'pn_apns', 'pn_gcm'].some((k) => k in value)

export const formatProblems = (failure: DecodeFailure): string[] =>
  failure.problems.map((p) => `${p.path === '' ? '(root)' : p.path}: ${p.reason}`)

/** A quarantine entry for `raw`. Its id depends on the raw text only, so the same bad input is stored once. */
export const quarantineEntry = (
  raw: string,
  source: Source,
  sourceRef: string,
  receivedAt: string,
  reason: QuarantineReason,
  reasons: ReadonlyArray<string>,
  extra: Pick<QuarantinedData, 'uuid' | 'contentHash' | 'existingContentHash' | 'existingEventId'> = {}
): PreparedQuarantine => {
  const rawHash = sha256Hex(raw)
  const data: QuarantinedData = { reason, reasons: [...reasons], raw, source, sourceRef, ...extra }
  return {
    _tag: 'quarantine',
    sourceRef,
    reason,
    reasons,
    event: {
      id: quarantineEventId(rawHash),
      type: 'NotificationQuarantined',
      data: JSON.stringify(data),
      metadata: { receivedAt, source, sourceRef, contentHash: rawHash, ...(extra.uuid ? { uuid: extra.uuid } : {}) }
    }
  }
}

/** One JSON value (already parsed from `raw`) -> a notification event or a quarantine entry. */
export const classifyValue = (
  raw: string,
  value: unknown,
  source: Source,
  sourceRef: string,
  receivedAt: string
): Prepared =>
  E.match(
    (failure: DecodeFailure): Prepared =>
      quarantineEntry(
        raw,
        source,
        sourceRef,
        receivedAt,
        looksLikeNotification(value) ? 'decode-failed' : 'not-a-notification',
        formatProblems(failure)
      ),
    (decoded: Decoded): Prepared => {
      const { notification, transport } = decoded
      const uuid = notification.envelope.uuid
      const hash = contentHash(decoded.envelope)
      // A webhook body or NDJSON envelope line is stored byte for byte; a wrapper is stored unwrapped.
      const data = transport === 'webhook' ? raw : JSON.stringify(decoded.envelope)
      return {
        _tag: 'notification',
        sourceRef,
        raw,
        source,
        stream: streamOf(notification),
        uuid,
        contentHash: hash,
        event: {
          id: notificationEventId(uuid),
          type: eventTypeOf[notification.kind],
          data,
          metadata: { receivedAt, source, sourceRef, contentHash: hash, transport, uuid, ...occurred(notification) }
        }
      }
    }
  )(decode(value))

/** The notification's own time, the log's duplicate key with the id (EventMetadata.occurredAt). */
const occurred = (n: Decoded['notification']): { occurredAt?: string } => {
  const occurredAt = occurredAtOf(n.envelope.timestamp)
  return occurredAt === undefined ? {} : { occurredAt }
}

const parse = (raw: string): E.Either<string, unknown> => {
  try {
    return E.right(JSON.parse(raw))
  } catch (e) {
    return E.left(describeError(e))
  }
}

/** The exact text of each element of a JSON array text, when it splits cleanly into `count` elements. */
const elementTexts = (raw: string, count: number): string[] | undefined => {
  const splitter = new ArraySplitter()
  const pieces = [...splitter.push(raw), ...splitter.end()]
  const texts = pieces.flatMap((p) => (p._tag === 'element' ? [p.text] : []))
  return texts.length === count && pieces.length === count ? texts : undefined
}

/**
 * One raw item -> what to append. A JSON array that is not a WebSocket frame is a batch of envelopes: each
 * element becomes its own item (`sourceRef#index`), keeping its own exact text.
 */
export const classify = (item: RawItem, receivedAt: string): Prepared[] => {
  const { raw, source, sourceRef } = item
  const parsed = item.value !== undefined ? E.right(item.value) : parse(raw)
  if (E.isLeft(parsed)) return [quarantineEntry(raw, source, sourceRef, receivedAt, 'not-json', [parsed.left])]
  const value = parsed.right
  if (!Array.isArray(value) || isFrame(value)) return [classifyValue(raw, value, source, sourceRef, receivedAt)]
  if (value.length === 0)
    return [quarantineEntry(raw, source, sourceRef, receivedAt, 'not-a-notification', ['an empty array'])]
  const texts = elementTexts(raw, value.length)
  return value.map((element: unknown, i) =>
    classifyValue(texts?.[i] ?? JSON.stringify(element), element, source, `${sourceRef}#${i}`, receivedAt)
  )
}
