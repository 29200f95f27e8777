/**
 * rm_presence keys each fact by a digest of it instead of a second copy, and a file written with the old keys (the
 * fact as its own key) is rewritten once when opened: same facts, same digest as a read model built fresh.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { createRunner } from '@callstate/projections'
import { READ_MODELS_FILE } from '../src/index.js'
import { importValues, openBoth, openedReadModels, payload, right, tempDir } from './readmodels.support.js'

const keyOf = (fact: string): string => createHash('sha256').update(fact).digest('base64url').slice(0, 22)

test('a presence fact is stored once, keyed by a digest of it', async () => {
  const dir = tempDir()
  const { store, readModels } = openBoth(dir)
  await importValues(store, payload('09'))
  await right(createRunner(store, readModels).catchUp())
  const rows = readModels.presence('133165004')
  assert.ok(rows.length > 0)
  assert.equal(
    rows.map((r) => r.contentKey),
    rows.map((r) => keyOf(r.fact))
  )
  readModels.close()
  await store.close()
})

test('a file with the old keys is migrated on open: same rows, same digest', async () => {
  const dir = tempDir()
  const { store, readModels } = openBoth(dir)
  await importValues(store, [...payload('01'), ...payload('09')])
  await right(createRunner(store, readModels).catchUp())
  const digest = readModels.digest()
  const rows = readModels.presence('133165004')
  readModels.close()

  const raw = new Database(`${dir}/${READ_MODELS_FILE}`)
  raw.exec('UPDATE rm_presence SET content_key = fact')
  raw.pragma('user_version = 0')
  raw.close()

  const reopened = openedReadModels({ dataDir: dir })
  assert.equal(reopened.presence('133165004'), rows)
  assert.is(reopened.digest(), digest)
  // Applying the same facts again adds nothing: old and new keys never sit side by side.
  reopened.transaction((tx) => {
    for (const r of rows) tx.addPresence({ extensionId: r.extensionId, sequence: r.sequence, at: r.at, fact: r.fact })
  })
  assert.is(reopened.digest(), digest)
  reopened.close()
  await store.close()
})

test.run()
