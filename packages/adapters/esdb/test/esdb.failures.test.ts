/**
 * The EventStoreDB adapter turns both error shapes the client throws into values, in one place: its own
 * typed errors (built here with the client's classes, as it builds them) and raw gRPC ServiceErrors
 * (built as @grpc/grpc-js builds them). Also: opening with a bad connection string is a Left, and a node
 * that refuses connections answers Unavailable for every operation.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as net from 'node:net'
import * as E from 'fp-ts/lib/Either.js'
import { Metadata, status, type ServiceError } from '@grpc/grpc-js'
import {
  DeadlineExceededError,
  NotLeaderError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError
} from '@eventstore/db-client'
import { isStreamNotFound, toStoreFailure } from '../src/failure.js'
import { openEsdbStore } from '../src/index.js'

/** A ServiceError as grpc-js makes one: an Error with code, details and metadata. */
const serviceError = (code: number, details: string, metadata = new Metadata()): ServiceError =>
  Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata })

test('typed client errors: WrongExpectedVersion becomes VersionConflict with expected and actual', () => {
  const cases = [
    new WrongExpectedVersionError(undefined, { streamName: 'session-1', current: 3n, expected: 1n }),
    new WrongExpectedVersionError(undefined, {
      streamName: 'session-2',
      current: 'no_stream',
      expected: 'stream_exists'
    }),
    new WrongExpectedVersionError(undefined, { streamName: 'session-3', current: 0n, expected: 'no_stream' })
  ]
  assert.equal(
    cases.map((error) => toStoreFailure(error, 'append', 5000)),
    [
      { _tag: 'VersionConflict', stream: 'session-1', expected: 1, actual: 3 },
      { _tag: 'VersionConflict', stream: 'session-2', expected: 'stream-exists', actual: 'no-stream' },
      { _tag: 'VersionConflict', stream: 'session-3', expected: 'no-stream', actual: 0 }
    ]
  )
})

test('typed client errors from the server (metadata "exception"): wrong version, not leader, unavailable, deadline', () => {
  const wrong = new Metadata()
  wrong.set('exception', 'wrong-expected-version')
  wrong.set('stream-name', 'presence-7')
  wrong.set('expected-version', '4')
  wrong.set('actual-version', '9')
  const leader = new Metadata()
  leader.set('exception', 'not-leader')
  leader.set('leader-endpoint-host', '10.0.0.2')
  leader.set('leader-endpoint-port', '2113')
  const failures = [
    toStoreFailure(new WrongExpectedVersionError(serviceError(status.UNKNOWN, 'wrong', wrong)), 'append', 100),
    toStoreFailure(new NotLeaderError(serviceError(status.NOT_FOUND, 'Leader info available', leader)), 'append', 100),
    toStoreFailure(new UnavailableError(serviceError(status.UNAVAILABLE, 'No connection established')), 'readAll', 100),
    toStoreFailure(new DeadlineExceededError(serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded')), 'head', 100)
  ]
  assert.equal(failures, [
    { _tag: 'VersionConflict', stream: 'presence-7', expected: 4, actual: 9 },
    {
      _tag: 'Unavailable',
      cause: 'append: node is not the leader (the client reconnects): 5 NOT_FOUND: Leader info available'
    },
    { _tag: 'Unavailable', cause: 'readAll: unavailable: 14 UNAVAILABLE: No connection established' },
    { _tag: 'Timeout', operation: 'head', ms: 100 }
  ])
})

test('raw gRPC ServiceErrors: unavailable, cancelled by the server, deadline, invalid argument, other', () => {
  assert.equal(
    [
      toStoreFailure(serviceError(status.UNAVAILABLE, 'connect ECONNREFUSED 127.0.0.1:1'), 'append', 50),
      toStoreFailure(serviceError(status.CANCELLED, 'Call cancelled'), 'readStream', 50),
      toStoreFailure(serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'), 'append', 50),
      toStoreFailure(serviceError(status.INVALID_ARGUMENT, 'bad revision'), 'append', 50),
      toStoreFailure(serviceError(status.PERMISSION_DENIED, 'no'), 'append', 50)
    ],
    [
      { _tag: 'Unavailable', cause: 'append: unavailable: connect ECONNREFUSED 127.0.0.1:1' },
      { _tag: 'Unavailable', cause: 'readStream: unavailable: Call cancelled' },
      { _tag: 'Timeout', operation: 'append', ms: 50 },
      { _tag: 'InvalidRequest', reason: 'append: bad revision' },
      { _tag: 'Unavailable', cause: 'append: 7: no' }
    ]
  )
})

test('stream not found is recognised (a read then answers [])', () => {
  assert.equal(
    [new StreamNotFoundError(undefined, 'session-x'), new UnavailableError(), new Error('x')].map(isStreamNotFound),
    [true, false, false]
  )
})

test('a bad connection string or timeout is a Left with a reason, not a throw', () => {
  const reasons = ['http://127.0.0.1:2113', 'esdb://', ''].map((s) => openEsdbStore(s))
  assert.equal(
    reasons.map((r) => (E.isLeft(r) && r.left._tag === 'InvalidRequest' ? r.left.reason.split(':')[0] : 'opened')),
    ['bad EventStoreDB connection string', 'bad EventStoreDB connection string', 'bad EventStoreDB connection string']
  )
  assert.equal(
    openEsdbStore('esdb://127.0.0.1:2113?tls=false', { timeoutMs: 0 }),
    E.left({ _tag: 'InvalidRequest', reason: 'timeoutMs must be > 0: 0' })
  )
  assert.ok(E.isRight(openEsdbStore('esdb://127.0.0.1:2113?tls=false')))
})

test('a node that refuses connections: every operation answers Unavailable', async () => {
  // A port that was just free: bind, note it, close; nothing listens there afterwards.
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 1
  await new Promise<void>((resolve) => server.close(() => resolve()))
  const opened = openEsdbStore(`esdb://127.0.0.1:${port}?tls=false`, { timeoutMs: 10_000 })
  if (E.isLeft(opened)) throw new Error('open failed')
  const store = opened.right
  const event = {
    id: '0b6c5a30-5d7e-5b0e-9a0e-6d0c7a1f2e01',
    type: 'UnknownNotification' as const,
    data: '{}',
    metadata: { receivedAt: '2024-01-01T00:00:00.000Z', source: 'stdin' as const, contentHash: 'a'.repeat(64) }
  }
  const answers = [
    await store.append({ stream: 'unknown', expected: 'any', events: [event] })(),
    await store.readStream('unknown')(),
    await store.readAll(0, 10)(),
    await store.head()()
  ]
  await store.close()
  assert.equal(
    answers.map((a) => (E.isLeft(a) ? a.left._tag : 'answered')),
    ['Unavailable', 'Unavailable', 'Unavailable', 'Unavailable']
  )
})

test.run()
