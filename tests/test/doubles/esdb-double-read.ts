/**
 * TEST DOUBLE: Streams.Read for the EventStoreDB gRPC double (see ./esdb-grpc-double.ts). Covers the
 * reads the callstate adapter makes: one stream, `$all` forwards/backwards from start/end/a position,
 * and `$all` subscriptions with a filter. Position rules follow the server: a forward read includes
 * its start position, a backward read returns what lies before it, a subscription starts after it.
 */
import * as grpc from '@grpc/grpc-js'
import streamsPb from '@eventstore/db-client/generated/streams_pb.js'
import sharedPb from '@eventstore/db-client/generated/shared_pb.js'
import { comparePosition, type DoubleLog, type RecordedEvent } from './esdb-double-log.js'
import type { Faults } from './esdb-double-faults.js'

type ReadCall = grpc.ServerWritableStream<streamsPb.ReadReq, streamsPb.ReadResp>
type Options = InstanceType<typeof streamsPb.ReadReq.Options>
type Expression = InstanceType<typeof streamsPb.ReadReq.Options.FilterOptions.Expression>

const text = (bytes: Uint8Array | string): string =>
  typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8')

const toResp = (e: RecordedEvent): streamsPb.ReadResp => {
  const id = new sharedPb.UUID()
  id.setString(e.id)
  const identifier = new sharedPb.StreamIdentifier()
  identifier.setStreamName(Buffer.from(e.stream, 'utf8'))
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
  recorded.setId(id)
  recorded.setStreamIdentifier(identifier)
  recorded.setStreamRevision(e.revision.toString())
  recorded.setCommitPosition(e.commit.toString())
  recorded.setPreparePosition(e.prepare.toString())
  recorded.getMetadataMap().set('type', e.type)
  recorded.getMetadataMap().set('content-type', e.contentType)
  recorded.getMetadataMap().set('created', e.createdTicks.toString())
  recorded.setData(e.data)
  recorded.setCustomMetadata(e.customMetadata)
  const event = new streamsPb.ReadResp.ReadEvent()
  event.setEvent(recorded)
  event.setCommitPosition(e.commit.toString())
  const resp = new streamsPb.ReadResp()
  resp.setEvent(event)
  return resp
}

const matches = (expression: Expression | undefined, value: string): boolean => {
  if (!expression) return true
  const prefixes = expression.getPrefixList()
  if (prefixes.length > 0) return prefixes.some((p) => value.startsWith(p))
  const regex = expression.getRegex()
  return regex === '' || new RegExp(regex).test(value)
}

const filterOf = (options: Options): ((e: RecordedEvent) => boolean) => {
  const filter = options.getFilter()
  if (!filter) return () => true
  if (filter.hasEventType()) return (e) => matches(filter.getEventType(), e.type)
  return (e) => matches(filter.getStreamIdentifier(), e.stream)
}

const countOf = (options: Options): number =>
  options.hasCount() ? Math.min(Number(options.getCount()), Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER

const readStream = (log: DoubleLog, call: ReadCall, options: Options): void => {
  const streamOptions = options.getStream()
  const identifier = streamOptions?.getStreamIdentifier()
  const name = text(identifier?.getStreamName() ?? '')
  const events = log.stream(name)
  if (!events || events.length === 0) {
    const notFound = new streamsPb.ReadResp.StreamNotFound()
    notFound.setStreamIdentifier(identifier)
    const resp = new streamsPb.ReadResp()
    resp.setStreamNotFound(notFound)
    call.write(resp)
    call.end()
    return
  }
  const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS
  const last = events.length - 1
  const from = streamOptions?.hasRevision()
    ? Number(streamOptions.getRevision())
    : streamOptions?.hasEnd()
      ? backwards
        ? last
        : last + 1
      : backwards
        ? -1
        : 0
  const selected = backwards ? events.slice(0, from + 1).reverse() : events.slice(from)
  for (const e of selected.slice(0, countOf(options))) call.write(toResp(e))
  call.end()
}

/** Where an `$all` read starts, as a (commit, prepare) pair; undefined = start / end. */
const allStart = (options: Options): { commit: bigint; prepare: bigint } | 'start' | 'end' => {
  const all = options.getAll()
  const position = all?.getPosition()
  if (position) return { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) }
  return all?.hasEnd() ? 'end' : 'start'
}

/** Index of the first event of `all` at or after `start` in `$all` order (binary search: reads stay cheap). */
const firstAtOrAfter = (all: ReadonlyArray<RecordedEvent>, start: { commit: bigint; prepare: bigint }): number => {
  let lo = 0
  let hi = all.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const e = all[mid]
    if (e && comparePosition(e, start) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

const readAll = (log: DoubleLog, call: ReadCall, options: Options): void => {
  const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS
  const start = allStart(options)
  const keep = filterOf(options)
  const all = log.all
  const count = countOf(options)
  // Forwards: from the first event at or after the start; backwards: from the last one before it.
  const from =
    start === 'start'
      ? backwards
        ? -1
        : 0
      : start === 'end'
        ? backwards
          ? all.length - 1
          : all.length
        : firstAtOrAfter(all, start) - (backwards ? 1 : 0)
  let sent = 0
  for (let i = from; sent < count && i >= 0 && i < all.length; i += backwards ? -1 : 1) {
    const e = all[i]
    if (e && keep(e)) {
      call.write(toResp(e))
      sent += 1
    }
  }
  call.end()
}

let subscriptions = 0

const subscribeAll = (log: DoubleLog, call: ReadCall, options: Options, open: Set<ReadCall>): void => {
  const start = allStart(options)
  const keep = filterOf(options)
  const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation()
  subscriptions += 1
  confirmation.setSubscriptionId(`double-subscription-${subscriptions}`)
  const confirm = new streamsPb.ReadResp()
  confirm.setConfirmation(confirmation)
  call.write(confirm)
  const all = log.all
  let i = start === 'start' ? 0 : start === 'end' ? all.length : firstAtOrAfter(all, start)
  // A subscription starts after its position: the event at it is not sent again.
  const at = all[i]
  if (at && start !== 'start' && start !== 'end' && comparePosition(at, start) === 0) i += 1
  for (; i < all.length; i += 1) {
    const e = all[i]
    if (e && keep(e)) call.write(toResp(e))
  }
  const caughtUp = new streamsPb.ReadResp()
  caughtUp.setCaughtUp(new streamsPb.ReadResp.CaughtUp())
  call.write(caughtUp)
  open.add(call)
  const unsubscribe = log.onWrite((written) => {
    for (const e of written) if (keep(e)) call.write(toResp(e))
  })
  const done = (): void => {
    unsubscribe()
    open.delete(call)
  }
  call.on('cancelled', done)
  call.on('close', done)
  call.on('error', done)
}

const answerRead = (log: DoubleLog, call: ReadCall, open: Set<ReadCall>): void => {
  const options = call.request.getOptions()
  if (!options) {
    call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'read without options' })
    return
  }
  if (options.hasStream()) {
    if (options.hasSubscription()) {
      call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'stream subscriptions: not in the double' })
      return
    }
    readStream(log, call, options)
    return
  }
  if (options.hasSubscription()) subscribeAll(log, call, options, open)
  else readAll(log, call, options)
}

export const readHandler =
  (
    log: DoubleLog,
    open: Set<ReadCall>,
    faults: Faults
  ): grpc.handleServerStreamingCall<streamsPb.ReadReq, streamsPb.ReadResp> =>
  (call) => {
    // A hung read stays open with nothing sent (its client gives up); the server's shutdown ends it.
    open.add(call)
    const forget = (): void => void open.delete(call)
    call.on('cancelled', forget)
    call.on('close', forget)
    faults.answer('read', (reply) => {
      if (reply && !call.cancelled) answerRead(log, call, open)
    })
  }
