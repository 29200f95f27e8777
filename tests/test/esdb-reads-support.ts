/**
 * Helpers of the EventStoreDB read tests: logs written straight into the wire double's log as EventStoreDB lays
 * them out (several events per append: one commit position, a prepare position each), what the store must
 * answer for them, and a watch on the read calls the double receives.
 */
import { randomUUID } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import { openEsdbStore } from '@callstate/esdb'
import { streams, type EventStore, type NewEvent, type StoredEvent } from '@callstate/projections'
import { internalCall } from './contract/events.js'
import type { EsdbGrpcDouble } from './doubles/esdb-grpc-double.js'
import type { ProposedEvent, RecordedEvent } from './doubles/esdb-double-log.js'

export const open = (url: string, timeoutMs: number): EventStore => {
  const opened = openEsdbStore(url, { timeoutMs })
  if (E.isLeft(opened)) throw new Error(`cannot open the store: ${JSON.stringify(opened.left)}`)
  return opened.right
}

/** An event as the adapter lays it out (data as bytes, the metadata as JSON). */
const proposed = (event: NewEvent): ProposedEvent => ({
  id: event.id,
  type: event.type,
  contentType: 'application/octet-stream',
  data: new Uint8Array(Buffer.from(event.data, 'utf8')),
  customMetadata: new Uint8Array(Buffer.from(JSON.stringify(event.metadata), 'utf8'))
})

/** One transaction of several events, as one append call of the new write path makes it. */
export const transaction = (double: EsdbGrpcDouble, stream: string, events: ReadonlyArray<NewEvent>): void => {
  const outcome = double.log.append(stream, { kind: 'any' }, events.map(proposed))
  if (outcome._tag !== 'Success') throw new Error(`the double refused the append: ${JSON.stringify(outcome)}`)
}

/** What the store must answer for the callstate events of the double's log: positions are prepare positions. */
export const expectedOf = (double: EsdbGrpcDouble, ids: ReadonlySet<string>, events: ReadonlyArray<NewEvent>) => {
  const byId = new Map(events.map((e) => [e.id, e]))
  return double.log.all
    .filter((r: RecordedEvent) => ids.has(r.id))
    .map((r): StoredEvent => {
      const e = byId.get(r.id)
      if (!e) throw new Error(`unknown event ${r.id}`)
      return { ...e, stream: r.stream, revision: Number(r.revision), position: Number(r.prepare) }
    })
}

/** `n` callstate events in transactions of up to 9 (one internal call each, a session of its own). */
export const manyEvents = (double: EsdbGrpcDouble, n: number): number => {
  const call = internalCall()
  const original = /"telephonySessionId":"([^"]+)"/.exec(call[0]?.data ?? '')?.[1]
  if (original === undefined) throw new Error('capture 02 has no telephonySessionId')
  let written = 0
  while (written < n) {
    const id = `s-bulk-${randomUUID()}`
    const events = call
      .slice(0, Math.min(call.length, n - written))
      .map((e) => ({ ...e, id: randomUUID(), data: e.data.replaceAll(original, id) }))
    transaction(double, streams.session(id), events)
    written += events.length
  }
  return written
}

/** Counts the read calls the double receives; `hook` runs before each is answered (the count includes it). */
export const watchReads = (double: EsdbGrpcDouble, hook: (count: number) => void = () => undefined) => {
  const seen = { reads: 0 }
  const answer = double.faults.answer.bind(double.faults)
  double.faults.answer = (kind, respond) => {
    if (kind === 'read') hook(++seen.reads)
    answer(kind, respond)
  }
  return seen
}
