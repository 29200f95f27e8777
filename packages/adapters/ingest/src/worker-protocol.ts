/**
 * The messages between the import's main thread and its classify workers. A message arrives as a structured
 * clone typed `unknown`, so each side checks what it receives instead of casting it: a worker built from another
 * version of this file, or a bug, shows up as a failure rather than as bad events in the log.
 */
import { MessagePort } from 'node:worker_threads'
import { EventType, NewEvent, QuarantineReason, Source, type EventMetadata } from '@callstate/projections'
import type { Prepared } from './classify.js'

/** Given to each worker when it starts: what every `sourceRef` is prefixed with, and the source. */
export interface WorkerSetup {
  readonly name: string
  readonly source: Source
}

/** What a worker is started with: the setup and the port its replies go to. */
export interface WorkerData extends WorkerSetup {
  readonly replies: MessagePort
}

/** One piece of whole lines to classify. */
export interface ClassifyRequest {
  readonly bytes: Uint8Array
  readonly firstLine: number
  readonly receivedAt: string
}

/**
 * The prepared events of one piece, in input order. A structured clone writes every key of every object again, and
 * an answer holds a thousand notifications, so notifications travel as `NOTIFICATION_FIELDS` strings each in one
 * flat array (`raw` as null when it is `event.data`, as it is for every webhook body), and what every event of
 * the piece shares (`receivedAt`, `source`) not at all. Quarantine entries, rare, travel as they are.
 */
export interface ClassifyReply {
  /** Per item: `n` and its fields, or `q` (the next entry of `quarantined`). */
  readonly fields: ReadonlyArray<string | null>
  readonly quarantined: ReadonlyArray<Prepared>
}

const NOTIFICATION_FIELDS = 10

export const encodeReply = (prepared: ReadonlyArray<Prepared>): ClassifyReply => {
  const fields: Array<string | null> = []
  const quarantined: Prepared[] = []
  for (const p of prepared) {
    if (p._tag === 'quarantine') {
      fields.push('q')
      quarantined.push(p)
      continue
    }
    const { event } = p
    fields.push(
      'n',
      p.sourceRef,
      p.raw === event.data ? null : p.raw,
      p.stream,
      p.uuid,
      p.contentHash,
      event.id,
      event.type,
      event.data,
      event.metadata.transport ?? null,
      event.metadata.occurredAt ?? null
    )
  }
  return { fields, quarantined }
}

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)
const isString = (u: unknown): u is string => typeof u === 'string'

export const isWorkerData = (u: unknown): u is WorkerData =>
  isRecord(u) && isString(u['name']) && Source.is(u['source']) && u['replies'] instanceof MessagePort

export const isClassifyRequest = (u: unknown): u is ClassifyRequest =>
  isRecord(u) && u['bytes'] instanceof Uint8Array && Number.isSafeInteger(u['firstLine']) && isString(u['receivedAt'])

export const isPrepared = (u: unknown): u is Prepared => {
  if (!isRecord(u) || !isString(u['sourceRef']) || !NewEvent.is(u['event'])) return false
  switch (u['_tag']) {
    case 'notification':
      return (
        isString(u['raw']) &&
        Source.is(u['source']) &&
        isString(u['stream']) &&
        isString(u['uuid']) &&
        isString(u['contentHash'])
      )
    case 'quarantine': {
      const reasons = u['reasons']
      return QuarantineReason.is(u['reason']) && Array.isArray(reasons) && reasons.every(isString)
    }
    default:
      return false
  }
}

const isText = (u: unknown): u is string | null => u === null || typeof u === 'string'

/**
 * The prepared events of a reply to a request stamped `receivedAt`, from a worker set up with `source`; undefined
 * when the reply is not one (a bug, or a worker of another version).
 */
export const decodeReply = (u: unknown, receivedAt: string, source: Source): Prepared[] | undefined => {
  if (!isRecord(u)) return undefined
  const { fields, quarantined } = u
  if (!Array.isArray(fields) || !Array.isArray(quarantined)) return undefined
  const prepared: Prepared[] = []
  let q = 0
  for (let i = 0; i < fields.length;) {
    const tag: unknown = fields[i++]
    if (tag === 'q') {
      const entry: unknown = quarantined[q++]
      if (!isPrepared(entry)) return undefined
      prepared.push(entry)
      continue
    }
    if (tag !== 'n' || i + NOTIFICATION_FIELDS > fields.length) return undefined
    const sourceRef: unknown = fields[i++]
    const raw: unknown = fields[i++]
    const stream: unknown = fields[i++]
    const uuid: unknown = fields[i++]
    const contentHash: unknown = fields[i++]
    const id: unknown = fields[i++]
    const type: unknown = fields[i++]
    const data: unknown = fields[i++]
    const transport: unknown = fields[i++]
    const occurredAt: unknown = fields[i++]
    if (
      !isString(sourceRef) ||
      !isText(raw) ||
      !isString(stream) ||
      !isString(uuid) ||
      !isString(contentHash) ||
      !isString(id) ||
      !EventType.is(type) ||
      !isString(data) ||
      !isText(transport) ||
      !isText(occurredAt)
    )
      return undefined
    const metadata: EventMetadata = {
      receivedAt,
      source,
      sourceRef,
      contentHash,
      ...(transport === null ? {} : { transport }),
      uuid,
      ...(occurredAt === null ? {} : { occurredAt })
    }
    prepared.push({
      _tag: 'notification',
      sourceRef,
      raw: raw ?? data,
      source,
      stream,
      uuid,
      contentHash,
      event: { id, type, data, metadata }
    })
  }
  return q === quarantined.length ? prepared : undefined
}
