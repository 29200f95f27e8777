/** Store and runner failures as one line for people (CLI messages, worker reports). No dependencies on purpose. */
import type { StoreFailure } from './port.js'
import type { RunnerFailure } from './runner.js'

export const describeStoreFailure = (f: StoreFailure): string => {
  switch (f._tag) {
    case 'Unavailable':
      return `the event store is unavailable: ${f.cause}`
    case 'Timeout':
      return `the event store did not answer ${f.operation} within ${f.ms} ms`
    case 'InvalidRequest':
      return `the event store refused the request: ${f.reason}`
    case 'VersionConflict':
      return `stream ${f.stream} changed concurrently (expected ${String(f.expected)}, found ${String(f.actual)})`
  }
}

export const describeRunnerFailure = (f: RunnerFailure): string =>
  f._tag === 'ReadModelFailure' ? `read models: ${f.cause}` : describeStoreFailure(f)
