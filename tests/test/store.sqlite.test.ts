/** The store contract against the embedded SQLite store, in a fresh temp directory per test. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { openSqliteStore } from '@callstate/sqlite'
import { storeContract } from './contract/store-contract.js'

storeContract('sqlite', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-contract-'))
  const opened = openSqliteStore({ dataDir, pollIntervalMs: 20 })
  if (E.isLeft(opened)) throw new Error(`cannot open the store: ${JSON.stringify(opened.left)}`)
  const store = opened.right
  return {
    store,
    makeUnavailable: () => store.close(),
    cleanup: async () => {
      await store.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }
})
