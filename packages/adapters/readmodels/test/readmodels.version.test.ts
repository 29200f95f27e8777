/** A projection whose version changed is rebuilt on start instead of serving rows of the old shape. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createRunner,
  messagesProjection,
  presenceProjection,
  sessionsProjection,
  SESSIONS_VERSION
} from '@callstate/projections'
import Database from 'better-sqlite3'
import { READ_MODELS_FILE } from '../src/index.js'
import { importValues, openBoth, payload, right, tempDir } from './readmodels.support.js'

test('a version bump rebuilds that read model (and only that one)', async () => {
  const dir = tempDir()
  const { store, readModels } = openBoth(dir)
  await importValues(store, [...payload('01'), ...payload('09')])
  await right(createRunner(store, readModels).catchUp())
  const good = readModels.digest()

  // Damage the sessions and presence read models behind the runner's back.
  const raw = new Database(`${dir}/${READ_MODELS_FILE}`)
  raw.exec("UPDATE rm_sessions SET status = 'ringing'")
  raw.exec('DELETE FROM rm_presence')
  raw.close()
  assert.is.not(readModels.digest(), good)

  const bumped = [sessionsProjection({ version: SESSIONS_VERSION + 1 }), presenceProjection(), messagesProjection()]
  const runner = createRunner(store, readModels, { projections: bumped })
  assert.equal(runner.prepare(), { _tag: 'Right', right: ['sessions'] })
  await right(runner.catchUp())
  assert.equal(
    readModels.meta().map((m) => [m.projection, m.version, m.checkpoint]),
    [
      ['messages', 1, 14],
      ['presence', 1, 14],
      ['sessions', SESSIONS_VERSION + 1, 14]
    ]
  )
  assert.equal(
    readModels.listSessions({ limit: 5 }).map((s) => s.status),
    ['ended']
  )
  // Presence was not rebuilt: its (damaged) rows stay empty until its own version changes or a rebuild.
  assert.equal(readModels.presence('133165004'), [])
  // Starting again with the same versions rebuilds nothing.
  assert.equal(createRunner(store, readModels, { projections: bumped }).prepare(), { _tag: 'Right', right: [] })
  readModels.close()
  await store.close()
})

test.run()
