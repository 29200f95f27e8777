/**
 * The audit guarantee: a read model updated live (the runner following the log while imports land in
 * several chunks) has the same digest as one rebuilt from the whole log.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createRunner, rebuild, type ProjectionName } from '@callstate/projections'
import {
  caughtUp,
  following,
  importValues,
  openBoth,
  openedReadModels,
  payload,
  right,
  shuffle,
  tempDir
} from './readmodels.support.js'

test('live digest equals rebuild digest after a mixed import in chunks', async () => {
  const dir = tempDir()
  const { store, readModels } = openBoth(dir)
  const { runner, errors, subscription: sub } = following(store, readModels)
  const mixed = shuffle([...payload('01'), ...payload('02'), ...payload('03'), ...payload('09'), ...payload('04')], 3)
  for (let i = 0; i < mixed.length; i += 6) {
    await importValues(store, mixed.slice(i, i + 6), `2024-01-01T00:00:0${i % 10}.000Z`)
    await importValues(store, mixed.slice(i, i + 2)) // re-delivered: duplicates
  }
  await caughtUp(runner)
  await sub.close()
  assert.equal(errors, [])
  const live = readModels.digest()
  assert.ok(readModels.listSessions({ limit: 10 }).length >= 4, 'sessions were projected live')

  const scratch = openedReadModels({ file: `${dir}/scratch.db` })
  const rebuilt = await right(rebuild(store, scratch))
  assert.is(rebuilt.digest, live)
  assert.is(rebuilt.events, await right(store.head()))
  // A rebuild in place (drop + replay) gives the same digest again.
  assert.is((await right(rebuild(store, readModels, { batchSize: 1000 }))).digest, live)
  scratch.close()
  readModels.close()
  await store.close()
})

test('a follower whose read model is reset under it (a rebuild in another process) replays instead of leaving a gap', async () => {
  const dir = tempDir()
  const { store, readModels } = openBoth(dir)
  const { runner: follower, errors, subscription: sub } = following(store, readModels)
  const first = [...payload('01'), ...payload('02')]
  await importValues(store, first)
  await caughtUp(follower)

  // Another process starts a rebuild: it empties the read models (checkpoints back to 0) in its own transaction.
  const other = openedReadModels({ dataDir: dir })
  for (const m of other.meta()) other.reset(m.projection as ProjectionName, m.version)
  // New notifications arrive while that rebuild has not replayed anything yet: the follower must not apply
  // them on top of the emptied read model and move the checkpoint past everything the rebuild has still to do.
  await importValues(store, [...payload('03'), ...payload('09')], '2024-01-01T00:00:05.000Z')
  await caughtUp(follower)
  await right(createRunner(store, other).catchUp())
  await sub.close()
  assert.equal(errors, [])

  const scratch = openedReadModels({ file: `${dir}/scratch.db` })
  const rebuilt = await right(rebuild(store, scratch))
  assert.is(readModels.digest(), rebuilt.digest)
  const ids = (rm: typeof readModels) => rm.listSessions({ limit: 10 }).map((r) => r.telephonySessionId)
  // Payloads 01, 02 and 03 are one session each (09 adds presence and messages): the two imported before the
  // reset are back.
  assert.is(ids(readModels).length, 3)
  assert.equal(ids(readModels), ids(scratch))
  scratch.close()
  other.close()
  readModels.close()
  await store.close()
})

test.run()
