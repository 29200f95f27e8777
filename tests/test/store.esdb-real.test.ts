/**
 * The store contract against a REAL EventStoreDB, only when CALLSTATE_ESDB_URL is set
 * (e.g. `esdb://127.0.0.1:2113?tls=false`, a node started with
 * `docker run --rm -p 2113:2113 eventstore/eventstore --insecure --mem-db`). A real node keeps its log
 * between tests, so each test views the log from the head at its start (`sinceHead`).
 * `makeUnavailable` cuts a local TCP proxy between the adapter and the node (we cannot stop the node).
 * With TLS, the node's certificate must accept 127.0.0.1 (or use tls=false on a test node).
 * Unset: one skipped test, shown as skipped in the summary, and a one-line note.
 */
import { test } from 'uvu'
import * as E from 'fp-ts/lib/Either.js'
import { openEsdbStore } from '@callstate/esdb'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventStore, Position } from '@callstate/projections'
import { must } from './contract/helpers.js'
import { storeContract } from './contract/store-contract.js'
import { startTcpProxy } from './doubles/tcp-proxy.js'

const url = process.env['CALLSTATE_ESDB_URL']

const open = (connectionString: string): EventStore => {
  const opened = openEsdbStore(connectionString, { timeoutMs: 5000 })
  if (E.isLeft(opened)) throw new Error(`cannot open the store: ${JSON.stringify(opened.left)}`)
  return opened.right
}

/**
 * A real node's log is not empty, and the contract wants an empty one: the test sees the log after the
 * head at the start of each test (position `base` reads as 0). Only the position 0 is translated.
 */
const sinceHead = (store: EventStore, base: Position): EventStore => ({
  ...store,
  readAll: (after, limit) => store.readAll(after === 0 ? base : after, limit),
  subscribe: (after, handlers) => store.subscribe(after === 0 ? base : after, handlers),
  head: () => TE.map((h: Position) => (h === base ? 0 : h))(store.head())
})

if (url === undefined || url === '') {
  console.log('store.esdb-real: CALLSTATE_ESDB_URL is not set; the contract against a real EventStoreDB is skipped')
  test.skip('store contract against a real EventStoreDB (set CALLSTATE_ESDB_URL)', () => {})
  test.run()
} else {
  // The contract cuts the node away mid-test: reach the node through a local proxy we can cut.
  const target = /^esdb:\/\/([^@/]+@)?([^/?,:]+):(\d+)(.*)$/.exec(url)
  if (!target) throw new Error(`CALLSTATE_ESDB_URL must be a single-node esdb://host:port?... string: ${url}`)
  const [, credentials = '', host = '', port = '', rest = ''] = target
  storeContract(`eventstoredb (real, ${host}:${port})`, async () => {
    const proxy = await startTcpProxy(host, Number(port))
    const store = open(`esdb://${credentials}127.0.0.1:${proxy.port}${rest}`)
    const base = await must(store.head())
    return {
      store: sinceHead(store, base),
      makeUnavailable: () => proxy.cut(),
      cleanup: async () => {
        await store.close()
        await proxy.cut()
      }
    }
  })
}
