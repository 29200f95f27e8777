/**
 * The store contract against the EventStoreDB adapter, driving the real `@eventstore/db-client` over
 * gRPC to the in-process test double (./doubles/esdb-grpc-double.ts), a fresh one per test.
 * `makeUnavailable` stops the double, as if the node went away.
 */
import * as E from 'fp-ts/lib/Either.js'
import { openEsdbStore } from '@callstate/adapters'
import { storeContract } from './contract/store-contract.js'
import { startEsdbGrpcDouble } from './doubles/esdb-grpc-double.js'

storeContract('eventstoredb (gRPC double)', async () => {
  const double = await startEsdbGrpcDouble()
  const opened = openEsdbStore(double.url, { timeoutMs: 2000 })
  if (E.isLeft(opened)) throw new Error(`cannot open the store: ${JSON.stringify(opened.left)}`)
  const store = opened.right
  return {
    store,
    makeUnavailable: () => double.stop(),
    cleanup: async () => {
      await store.close()
      await double.stop()
    }
  }
})
