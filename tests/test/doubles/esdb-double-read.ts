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

const readAll = (log: DoubleLog, call: ReadCall, options: Options): void => {
  const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS
  const start = allStart(options)
  const keep = filterOf(options)
  const inRange = (e: RecordedEvent): boolean =>
    start === 'start'
      ? !backwards
      : start === 'end'
        ? backwards
        : backwards
          ? comparePosition(e, start) < 0
          : comparePosition(e, start) >= 0
  const ordered = backwards ? [...log.all].reverse() : log.all
  const selected = ordered.filter((e) => inRange(e) && keep(e)).slice(0, countOf(options))
  for (const e of selected) call.write(toResp(e))
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
  const after = (e: RecordedEvent): boolean =>
    start === 'start' ? true : start === 'end' ? false : comparePosition(e, start) > 0
  for (const e of log.all) if (after(e) && keep(e)) call.write(toResp(e))
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

export const readHandler =
  (log: DoubleLog, open: Set<ReadCall>): grpc.handleServerStreamingCall<streamsPb.ReadReq, streamsPb.ReadResp> =>
  (call) => {
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
