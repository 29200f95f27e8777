/**
 * Ends from presence across streams, at the read-model level: a call whose telephony stream lost its last
 * Disconnected events is closed by the extension's detailed presence (`terminationType: final`), whichever of the
 * two streams arrives first; the digest is the same in every arrival order, live or rebuilt, sequential or with
 * workers whose shards split the session's stream from the presence stream.
 */
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createRunner, parseStoredState, querySession, rebuild, streams } from '@callstate/projections'
import { shardOf } from '@callstate/sqlite'
import { rebuildInParallel } from '../src/index.js'
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

const SESSION = 's-718107795d564867a6f635fd81e89940'
const AGENT = 'p-718107795d564867a6f635fd81e89940-3'
const USER = '809646016'

/** Capture 01 without its last two notifications (the user's and the caller's Disconnected, sequences 11 and 12). */
const stuck = (): unknown[] => payload('01').slice(0, -2)

/** The user's detailed presence saying the call ended, as the platform sends it (after payload 11's shape). */
const presenceFinal = {
  uuid: 'presence-final-1',
  event: `/restapi/v1.0/account/${USER}/extension/${USER}/presence?detailedTelephonyState=true&sipData=true`,
  timestamp: '2020-06-23T01:06:15.100Z',
  subscriptionId: 'sub-presence',
  ownerId: USER,
  body: {
    extensionId: USER,
    telephonyStatus: 'NoCall',
    activeCalls: [
      {
        id: 'call-1',
        direction: 'Inbound',
        telephonyStatus: 'NoCall',
        terminationType: 'final',
        sessionId: '429180487016',
        telephonySessionId: SESSION,
        partyId: AGENT
      }
    ],
    sequence: 4321,
    presenceStatus: 'Available',
    userStatus: 'Available',
    dndStatus: 'TakeAllCalls',
    totalActiveCalls: 0
  }
}

const sessionOf = (readModels: ReturnType<typeof openedReadModels>) => {
  const row = readModels.session(SESSION)
  assert.ok(row, 'the session has a row')
  const state = row === undefined ? undefined : parseStoredState(SESSION, row.state)
  assert.ok(state?._tag === 'Right')
  return state?._tag === 'Right' ? state.right : undefined
}

test('presence closes the stuck call: its party ends at the presence time, marked as presence, both orders', async () => {
  const digests: string[] = []
  for (const order of [
    [...stuck(), presenceFinal],
    [presenceFinal, ...stuck()]
  ]) {
    const dir = tempDir()
    const { store, readModels } = openBoth(dir)
    await importValues(store, order)
    await right(createRunner(store, readModels).catchUp())
    const state = sessionOf(readModels)
    assert.equal(
      state?.parties.map((p) => [p.id.slice(-2), p.endedBy, p.history.at(-1)?.at]),
      [
        ['-1', 'presence', '2020-06-23T01:06:15.100Z'],
        ['-2', 'event', '2020-06-23T01:05:52.627Z'],
        ['-3', 'presence', '2020-06-23T01:06:15.100Z']
      ]
    )
    assert.equal([state?.status, state?.endedAt], ['ended', '2020-06-23T01:06:15.100Z'])
    digests.push(readModels.digest())
    readModels.close()
    await store.close()
  }
  assert.is(digests[0], digests[1])
})

test('any arrival order with copies, followed live in small batches, gives the digest of a rebuild', async () => {
  const all = [...stuck(), presenceFinal]
  const digests = new Set<string>()
  for (const seed of [1, 2, 3, 4, 5]) {
    const dir = tempDir()
    const { store, readModels } = openBoth(dir)
    const { runner, errors, subscription } = following(store, readModels, 2)
    const arrived = shuffle([...all, ...all.slice(0, 3), presenceFinal], seed)
    for (let i = 0; i < arrived.length; i += 3) await importValues(store, arrived.slice(i, i + 3))
    await caughtUp(runner)
    await subscription.close()
    assert.equal(errors, [])
    const live = readModels.digest()
    const rebuilt = await right(rebuild(store, openedReadModels({ file: path.join(dir, 'rebuilt.db') })))
    assert.is(rebuilt.digest, live, `seed ${seed}`)
    digests.add(live)
    readModels.close()
    await store.close()
  }
  assert.is(digests.size, 1)
})

test('workers whose shards split the session from the presence stream rebuild the same read models', async () => {
  // Two and three shards: the session's stream and the user's presence stream land in different shards for one of
  // them at least, so a worker must take the end facts from a presence event of another shard.
  const split = [2, 3].some((n) => shardOf(streams.session(SESSION), n) !== shardOf(streams.presence(USER), n))
  assert.ok(split)
  const dir = tempDir()
  const { store, readModels } = openBoth(dir)
  await importValues(store, [...payload('02'), presenceFinal, ...payload('03'), ...stuck()])
  await right(createRunner(store, readModels).catchUp())
  const sequential = await right(rebuild(store, openedReadModels({ file: path.join(dir, 'sequential.db') })))
  assert.is(sequential.digest, readModels.digest())
  for (const workers of [2, 3]) {
    const target = openedReadModels({ file: path.join(dir, `parallel-${workers}.db`) })
    const parallel = await right(rebuildInParallel(store, target, { workers }))
    assert.equal(parallel, sequential, `${workers} workers`)
    assert.is(sessionOf(target)?.status, 'ended')
    target.close()
  }
  readModels.close()
  await store.close()
})

test('--known-at counts the presence end only once the presence notification had been received', async () => {
  const dir = tempDir()
  const { store, readModels } = openBoth(dir)
  await importValues(store, stuck(), '2024-01-01T00:00:00.000Z')
  await importValues(store, [presenceFinal], '2024-01-02T00:00:00.000Z')
  await right(createRunner(store, readModels).catchUp())
  const known = async (knownAt: string) => {
    const view = await right(
      querySession({ store, readModels }, SESSION, { now: '2024-01-05T00:00:00.000Z', knownAt, staleAfterMs: 1e12 })
    )
    return [view.status, view.parties.map((p) => p.endedBy)]
  }
  assert.equal(await known('2024-01-01T12:00:00.000Z'), ['active', [null, 'event', null]])
  assert.equal(await known('2024-01-03T00:00:00.000Z'), ['ended', ['presence', 'event', 'presence']])
  readModels.close()
  await store.close()
})

test.run()
