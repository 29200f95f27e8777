/**
 * Rebuild's fast path: the read-model store in bulk mode (secondary indexes dropped, built once at the end). The
 * rows must be exactly those of a read model updated live, whatever the batch size, and the indexes must be back
 * afterwards — also when the process stops while in bulk mode.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import Database from 'better-sqlite3'
import { createRunner, rebuild } from '@callstate/projections'
import { READ_MODELS_FILE } from '../src/index.js'
import { importValues, openBoth, openedReadModels, payload, right, shuffle, tempDir } from './readmodels.support.js'

const indexes = (file: string): string[] => {
  const db = new Database(file, { readonly: true })
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
    .pluck()
    .all()
    .flatMap((n) => (typeof n === 'string' ? [n] : []))
  db.close()
  return names
}

const live = async () => {
  const dir = tempDir()
  const { store, readModels } = openBoth(dir)
  const values = shuffle([...payload('01'), ...payload('02'), ...payload('03'), ...payload('09'), ...payload('04')], 5)
  const runner = createRunner(store, readModels, { batchSize: 4 })
  for (let i = 0; i < values.length; i += 9) {
    await importValues(store, values.slice(i, i + 9))
    await right(runner.catchUp())
  }
  return { dir, store, readModels, digest: readModels.digest(), file: `${dir}/${READ_MODELS_FILE}` }
}

test('a bulk rebuild, in any batch size, has the digest and the indexes of the live read model', async () => {
  const { dir, store, readModels, digest, file } = await live()
  const named = indexes(file)
  assert.ok(named.includes('rm_calls_extension') && named.includes('rm_sessions_started'), 'schema indexes exist')
  for (const batchSize of [1, 7, undefined]) {
    const report = await right(rebuild(store, readModels, batchSize === undefined ? {} : { batchSize }))
    assert.is(report.digest, digest, `batch size ${String(batchSize)}`)
    assert.equal(indexes(file), named, `indexes after batch size ${String(batchSize)}`)
  }
  // A scratch file (what `verify` rebuilds into) likewise.
  const scratch = openedReadModels({ file: `${dir}/scratch.db` })
  assert.is((await right(rebuild(store, scratch))).digest, digest)
  assert.equal(indexes(`${dir}/scratch.db`), named)
  scratch.close()
  readModels.close()
  await store.close()
})

test('stopped in bulk mode: reopening puts the indexes back, and the rows still catch up to the same digest', async () => {
  const { store, readModels, digest, file } = await live()
  const named = indexes(file)
  const finish = readModels.bulkLoad?.()
  assert.type(finish, 'function')
  assert.ok(!indexes(file).includes('rm_calls_extension'), 'bulk mode dropped the secondary indexes')
  readModels.close() // never finished: as if the process had been killed
  const reopened = openedReadModels({ file })
  assert.equal(indexes(file), named)
  assert.is(reopened.digest(), digest)
  reopened.close()
  await store.close()
})

test.run()
