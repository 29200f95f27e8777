/**
 * The ONE place where what `@eventstore/db-client` throws becomes a `StoreFailure` value. The client
 * throws two shapes: its own typed errors (subclasses of its CommandError, told apart by `type`:
 * 'wrong-expected-version', 'stream-not-found', 'unavailable', 'not-leader', 'deadline-exceeded', ...),
 * and raw gRPC `ServiceError`s (`code` + `details`) on paths it does not convert (the append sink, the
 * server-features probe). Both are mapped here; nothing else in the adapter inspects an error.
 */
import { WrongExpectedVersionError, StreamNotFoundError, ErrorType } from '@eventstore/db-client'
import type { ExpectedRevision, StoreFailure } from '@callstate/projections'

/** gRPC status codes (from @grpc/grpc-js `status`), named so the mapping below reads as a table. */
const Grpc = { CANCELLED: 1, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, UNAVAILABLE: 14 } as const

const field = (error: object, key: string): unknown => (key in error ? Reflect.get(error, key) : undefined)

const expectedFromClient = (expected: unknown): ExpectedRevision => {
  if (typeof expected === 'bigint') return Number(expected)
  if (expected === 'no_stream') return 'no-stream'
  if (expected === 'stream_exists') return 'stream-exists'
  return 'any'
}

/** Reading a stream that does not exist is not a failure: it reads as []. */
export const isStreamNotFound = (error: unknown): boolean =>
  error instanceof StreamNotFoundError ||
  (typeof error === 'object' && error !== null && field(error, 'type') === ErrorType.STREAM_NOT_FOUND)

export const toStoreFailure = (error: unknown, operation: string, ms: number): StoreFailure => {
  if (error instanceof WrongExpectedVersionError) {
    return {
      _tag: 'VersionConflict',
      stream: error.streamName,
      expected: expectedFromClient(error.expectedVersion),
      actual: typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : 'no-stream'
    }
  }
  if (typeof error !== 'object' || error === null) {
    return { _tag: 'Unavailable', cause: `${operation}: ${String(error)}` }
  }
  const message = String(field(error, 'details') ?? field(error, 'message') ?? '')
  // Typed client errors carry `type`; raw gRPC ServiceErrors only `code`.
  switch (field(error, 'type')) {
    case ErrorType.DEADLINE_EXCEEDED:
    case ErrorType.TIMEOUT:
      return { _tag: 'Timeout', operation, ms }
    case ErrorType.UNAVAILABLE:
    case ErrorType.CANCELLED:
      return { _tag: 'Unavailable', cause: `${operation}: unavailable: ${message}` }
    case ErrorType.NOT_LEADER:
      return { _tag: 'Unavailable', cause: `${operation}: node is not the leader (the client reconnects): ${message}` }
    case ErrorType.ACCESS_DENIED:
      return { _tag: 'Unavailable', cause: `${operation}: access denied: ${message}` }
    case ErrorType.STREAM_DELETED:
      return { _tag: 'InvalidRequest', reason: `${operation}: stream deleted: ${message}` }
    case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
    case ErrorType.INVALID_ARGUMENT:
      return { _tag: 'InvalidRequest', reason: `${operation}: ${message}` }
  }
  switch (field(error, 'code')) {
    case Grpc.DEADLINE_EXCEEDED:
      return { _tag: 'Timeout', operation, ms }
    case Grpc.UNAVAILABLE:
    case Grpc.CANCELLED:
      return { _tag: 'Unavailable', cause: `${operation}: unavailable: ${message}` }
    case Grpc.INVALID_ARGUMENT:
      return { _tag: 'InvalidRequest', reason: `${operation}: ${message}` }
  }
  const type = field(error, 'type') ?? field(error, 'code') ?? 'error'
  return { _tag: 'Unavailable', cause: `${operation}: ${String(type)}: ${message}` }
}
