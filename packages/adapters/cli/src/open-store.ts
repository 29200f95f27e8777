/**
 * Which event store a command uses: EventStoreDB when a connection string is given (`--esdb`,
 * `CALLSTATE_ESDB_URL`), else the embedded SQLite log in the data directory. Every command opens its store
 * here, so the choice is made in one place. EventStoreDB's tuning (`--esdb-timeout-ms`, `--esdb-concurrency`) travels
 * with the connection string (`esdbChoice`).
 */
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventStore, StoreFailure } from '@callstate/projections'
import { openEsdbStore } from '@callstate/esdb'
import { openSqliteStore } from '@callstate/sqlite'

export interface EsdbChoice {
  /** EventStoreDB connection string (`esdb://host:2113?tls=false`); when set, the data directory is not used. */
  readonly esdb?: string
  /** Bound of each call to EventStoreDB, in ms (the adapter's default when absent). */
  readonly esdbTimeoutMs?: number
  /** Streams appended to at once (the adapter's default when absent). */
  readonly esdbConcurrency?: number
}

/** The EventStoreDB part of some options (global options, serve's), to pass on to `openStore`. */
export const esdbChoice = (o: EsdbChoice): EsdbChoice =>
  o.esdb === undefined
    ? {}
    : {
        esdb: o.esdb,
        ...(o.esdbTimeoutMs !== undefined ? { esdbTimeoutMs: o.esdbTimeoutMs } : {}),
        ...(o.esdbConcurrency !== undefined ? { esdbConcurrency: o.esdbConcurrency } : {})
      }

export interface StoreChoice extends EsdbChoice {
  /** Directory of the embedded store (`events.db` inside it). */
  readonly dataDir: string
  /**
   * Embedded store only. `full` (default) fsyncs every commit: what `serve` acknowledges survives power loss.
   * `import` asks for `normal`: a power loss may roll back its last commits, and running the same import again
   * restores them (ids are deterministic), so it need not wait for the disk on every batch.
   */
  readonly durability?: 'full' | 'normal'
  /** The embedded store's page cache in MiB (readers keep the small default; writers ask for more). */
  readonly cacheMiB?: number
  /** Embedded store only: the exclusive bulk mode of `import --exclusive` (the sqlite package's `takeExclusive`). */
  readonly exclusive?: boolean
}

export const openStore = (choice: StoreChoice): TE.TaskEither<StoreFailure, EventStore> =>
  TE.fromEither(
    choice.esdb !== undefined
      ? openEsdbStore(choice.esdb, {
          ...(choice.esdbTimeoutMs !== undefined ? { timeoutMs: choice.esdbTimeoutMs } : {}),
          ...(choice.esdbConcurrency !== undefined ? { concurrency: choice.esdbConcurrency } : {})
        })
      : openSqliteStore({
          dataDir: choice.dataDir,
          durability: choice.durability ?? 'full',
          ...(choice.cacheMiB !== undefined ? { cacheMiB: choice.cacheMiB } : {}),
          ...(choice.exclusive === true ? { exclusive: true } : {}),
          // An older log is upgraded in place on first open (the sqlite package's schema.ts): say so, it takes a while.
          onUpgrade: (message) => process.stderr.write(`callstate: ${message}\n`)
        })
  )
