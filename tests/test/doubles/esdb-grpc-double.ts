/**
 * TEST DOUBLE of an EventStoreDB node: an in-process gRPC server (insecure, 127.0.0.1) built from the
 * client package's own generated service definitions, so the real `@eventstore/db-client` talks to it
 * unmodified over the real wire protocol. It implements only what the callstate adapter uses:
 * - ServerFeatures.GetSupportedMethods (the client asks on connect; we advertise Read and Append only, as
 *   a 20.x server does, so the client uses the client-streaming Streams.Append),
 * - Streams.Append (expected-revision checks, event-id idempotency within a stream: ./esdb-double-log.ts),
 * - Streams.Read: one stream forwards/backwards (stream not found -> StreamNotFound), `$all`
 *   forwards/backwards from start/end/position, and `$all` subscriptions with an event-type or stream
 *   filter (confirmation, catch-up, CaughtUp, then live events).
 * Everything else answers UNIMPLEMENTED. Never use this outside tests.
 *
 * Faults a remote server shows (./esdb-double-faults.ts): `delayMs` per call (each Append answers, and each
 * Read starts answering, that long after the request arrived; calls in flight overlap, as on a network), and
 * calls that never answer (`hangNext`, `hangRate`: an Append is applied or not, as chosen, and then nothing is
 * sent back; a Read sends nothing). `writeForeignEvent` writes an event another program would.
 */
import * as grpc from '@grpc/grpc-js'
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js'
import streamsPb from '@eventstore/db-client/generated/streams_pb.js'
import sharedPb from '@eventstore/db-client/generated/shared_pb.js'
import featuresGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js'
import featuresPb from '@eventstore/db-client/generated/serverfeatures_pb.js'
import { DoubleLog, type Expected, type ProposedEvent } from './esdb-double-log.js'
import { readHandler } from './esdb-double-read.js'
import { Faults, type FaultOptions } from './esdb-double-faults.js'

export interface EsdbGrpcDouble {
  /** `esdb://127.0.0.1:PORT?tls=false` */
  readonly url: string
  readonly port: number
  readonly log: DoubleLog
  /** Writes a system event (`$`-prefixed stream and type), as a real node does on its own. */
  readonly writeSystemEvent: () => void
  /** Writes an event another program would (JSON, no callstate metadata), by default to `orders-1`. */
  readonly writeForeignEvent: (stream?: string, type?: string) => void
  /** Latency and calls that never answer, changeable while running. */
  readonly faults: Faults
  /** Shuts the server down (open calls fail with UNAVAILABLE/CANCELLED, new ones get connection refused). */
  readonly stop: () => Promise<void>
}

const text = (bytes: Uint8Array | string): string =>
  typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8')

const expectedOf = (options: InstanceType<typeof streamsPb.AppendReq.Options>): Expected => {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) }
  if (options.hasNoStream()) return { kind: 'no_stream' }
  if (options.hasStreamExists()) return { kind: 'stream_exists' }
  return { kind: 'any' }
}

const appendHandler =
  (log: DoubleLog, faults: Faults): grpc.handleClientStreamingCall<streamsPb.AppendReq, streamsPb.AppendResp> =>
  (call, callback) => {
    let stream: string | undefined
    let expected: Expected = { kind: 'any' }
    const events: ProposedEvent[] = []
    call.on('data', (req: streamsPb.AppendReq) => {
      const options = req.getOptions()
      if (options) {
        stream = text(options.getStreamIdentifier()?.getStreamName() ?? '')
        expected = expectedOf(options)
      }
      const message = req.getProposedMessage()
      if (message) {
        const metadata = message.getMetadataMap()
        events.push({
          id: message.getId()?.getString() ?? '',
          type: metadata.get('type') ?? '',
          contentType: metadata.get('content-type') ?? 'application/octet-stream',
          data: message.getData_asU8(),
          customMetadata: message.getCustomMetadata_asU8()
        })
      }
    })
    call.on('end', () =>
      faults.answer('append', (reply) => {
        if (stream === undefined) {
          callback({ code: grpc.status.INVALID_ARGUMENT, details: 'append without options' })
          return
        }
        const outcome = log.append(stream, expected, events)
        // A call that never answers after being applied: the write happened, the client never hears of it.
        if (!reply) return
        const resp = new streamsPb.AppendResp()
        if (outcome._tag === 'Success') {
          const success = new streamsPb.AppendResp.Success()
          if (outcome.currentRevision < 0n) success.setNoStream(new sharedPb.Empty())
          else success.setCurrentRevision(outcome.currentRevision.toString())
          if (outcome.commit < 0n) success.setNoPosition(new sharedPb.Empty())
          else {
            const position = new streamsPb.AppendResp.Position()
            position.setCommitPosition(outcome.commit.toString())
            position.setPreparePosition(outcome.prepare.toString())
            success.setPosition(position)
          }
          resp.setSuccess(success)
        } else {
          const wrong = new streamsPb.AppendResp.WrongExpectedVersion()
          if (outcome.current === 'no_stream') wrong.setCurrentNoStream(new sharedPb.Empty())
          else wrong.setCurrentRevision(outcome.current.toString())
          const e = outcome.expected
          if (e.kind === 'revision') wrong.setExpectedRevision(e.revision.toString())
          else if (e.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty())
          else if (e.kind === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty())
          else wrong.setExpectedAny(new sharedPb.Empty())
          resp.setWrongExpectedVersion(wrong)
        }
        callback(null, resp)
      })
    )
  }

const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<never>): void =>
  callback({ code: grpc.status.UNIMPLEMENTED, details: 'not implemented by the test double' })

const supportedMethods: grpc.handleUnaryCall<sharedPb.Empty, featuresPb.SupportedMethods> = (_call, callback) => {
  const methods = ['read', 'append'].map((name) => {
    const method = new featuresPb.SupportedMethod()
    method.setServiceName('event_store.client.streams.streams')
    method.setMethodName(name)
    return method
  })
  const answer = new featuresPb.SupportedMethods()
  answer.setEventStoreServerVersion('20.10.0-callstate-double')
  answer.setMethodsList(methods)
  callback(null, answer)
}

/** Starts the double on 127.0.0.1 (port 0: any free port). */
export const startEsdbGrpcDouble = async (port = 0, options: FaultOptions = {}): Promise<EsdbGrpcDouble> => {
  const log = new DoubleLog(() => Date.now())
  const faults = new Faults(options)
  const server = new grpc.Server()
  const openCalls = new Set<grpc.ServerWritableStream<streamsPb.ReadReq, streamsPb.ReadResp>>()
  server.addService(streamsGrpc.StreamsService, {
    read: readHandler(log, openCalls, faults),
    append: appendHandler(log, faults),
    delete: unimplemented,
    tombstone: unimplemented,
    batchAppend: (call: grpc.ServerDuplexStream<streamsPb.BatchAppendReq, streamsPb.BatchAppendResp>) =>
      call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'not implemented by the test double' })
  })
  server.addService(featuresGrpc.ServerFeaturesService, { getSupportedMethods: supportedMethods })
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p)
    )
  )
  let systemEvents = 0
  const writeSystemEvent = (): void => {
    systemEvents += 1
    log.append('$stats-127.0.0.1:2113', { kind: 'any' }, [
      {
        id: `00000000-0000-4000-8000-${systemEvents.toString(16).padStart(12, '0')}`,
        type: '$statsCollected',
        contentType: 'application/json',
        data: Buffer.from('{}'),
        customMetadata: new Uint8Array()
      }
    ])
  }
  let foreignEvents = 0
  const writeForeignEvent = (stream = 'orders-1', type = 'OrderPlaced'): void => {
    foreignEvents += 1
    log.append(stream, { kind: 'any' }, [
      {
        id: `00000000-0000-4000-9000-${foreignEvents.toString(16).padStart(12, '0')}`,
        type,
        contentType: 'application/json',
        data: Buffer.from(JSON.stringify({ order: foreignEvents })),
        customMetadata: new Uint8Array()
      }
    ])
  }
  // A fresh node has written system events before anyone connects; so does the double.
  writeSystemEvent()
  return {
    url: `esdb://127.0.0.1:${bound}?tls=false`,
    port: bound,
    log,
    writeSystemEvent,
    writeForeignEvent,
    faults,
    stop: async () => {
      faults.clear()
      for (const call of openCalls) call.destroy()
      server.forceShutdown()
    }
  }
}
