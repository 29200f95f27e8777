/**
 * The peer: Emmett 0.38.5 with its SQLite event store, given the first <n> notifications of the same dataset.
 * Each notification is appended as it would arrive, one `appendToStream` per notification, to one stream per
 * telephony session (`telephony-<telephonySessionId>`; presence and message store per extension), and an inline
 * Emmett projection keeps the active calls (parties merged by id; a call ends when every party has ended, the
 * same rule as the domain's) in a table, committed with the append.
 *
 * What the peer is spared, in its favour: the notification is classified by its `event` path only (no io-ts
 * decode, no content hash, no quarantine, no duplicate detection).
 *
 * The peer is far slower than callstate, so it stops at <n> notifications or after <seconds>, whichever comes
 * first, and the figure is its rate over what it did.
 *
 * Usage: node bench/workers/peer.mjs <file> <n> <seconds> <dbFile>
 */
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { firstLines } from '../lib/lines.mjs'
import { peakRss } from '../lib/memory.mjs'
import { note, report } from '../lib/worker.mjs'
import { PEER_DIR, PEER_VERSION } from '../peer/install.mjs'

const [file, nText, secondsText, dbFile] = process.argv.slice(2)
const n = Number(nText)
const budgetMs = Number(secondsText) * 1000

// The peer lives in bench/.peer/node_modules, outside the workspace's resolution path.
const peerRequire = createRequire(path.join(PEER_DIR, 'package.json'))
const { getSQLiteEventStore } = peerRequire('@event-driven-io/emmett-sqlite')
const { projections, projection } = peerRequire('@event-driven-io/emmett')

const ENDS_WITHOUT_MOVING = (status) =>
  status.code === 'Gone' || (status.code === 'Disconnected' && !['Pickup', 'CallSwitch'].includes(status.reason ?? ''))

const activeCalls = projection({
  name: 'active-calls',
  canHandle: ['TelephonySessionEvent'],
  handle: async (events, { connection }) => {
    for (const { data } of events) {
      const id = data.body.telephonySessionId
      const row = await connection.querySingle('SELECT parties FROM active_calls WHERE telephony_session_id = ?', [id])
      const parties = row ? JSON.parse(row.parties) : {}
      for (const p of data.body.parties ?? []) parties[p.id] = { code: p.status?.code, reason: p.status?.reason }
      const live = Object.values(parties).some((s) => !ENDS_WITHOUT_MOVING(s))
      if (live)
        await connection.command(
          'INSERT INTO active_calls(telephony_session_id, parties) VALUES (?, ?) ' +
            'ON CONFLICT(telephony_session_id) DO UPDATE SET parties = excluded.parties',
          [id, JSON.stringify(parties)]
        )
      else await connection.command('DELETE FROM active_calls WHERE telephony_session_id = ?', [id])
    }
  }
})

const streamOf = (envelope) => {
  const event = String(envelope.event ?? '')
  const body = envelope.body ?? {}
  if (event.includes('/telephony/sessions')) return [`telephony-${body.telephonySessionId}`, 'TelephonySessionEvent']
  if (event.includes('/presence')) return [`presence-${body.extensionId}`, 'PresenceEvent']
  if (event.includes('/message-store')) return [`messages-${body.extensionId}`, 'MessageStoreEvent']
  return ['unknown-notifications', 'UnknownNotification']
}

rmSync(dbFile, { force: true })
for (const suffix of ['-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true })
const eventStore = getSQLiteEventStore({ fileName: dbFile, projections: projections.inline([activeCalls]) })

const lines = await firstLines(file, n)
// The projection's table, created through Emmett's own connection handling (it opens one per operation).
await eventStore.appendToStream('bench-setup', [{ type: 'BenchStarted', data: {} }])
const { sqliteConnection } = peerRequire('@event-driven-io/emmett-sqlite')
const setup = sqliteConnection({ fileName: dbFile })
await setup.command(
  'CREATE TABLE IF NOT EXISTS active_calls(telephony_session_id TEXT PRIMARY KEY, parties TEXT NOT NULL)'
)
setup.close()

/**
 * Emmett opens a connection per append and sets WAL on it without waiting; now and then the commit then meets
 * "SQLITE_BUSY: cannot commit transaction - SQL statements in progress" and the append is rolled back. An
 * application would retry it, so the bench does (counted, and reported), and checks at the end that every
 * notification is stored exactly once.
 */
const MAX_RETRIES = 5
let retries = 0
const append = async (stream, events) => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await eventStore.appendToStream(stream, events)
    } catch (e) {
      if (e?.code !== 'SQLITE_BUSY' || attempt === MAX_RETRIES) throw e
      retries++
    }
  }
}

const streams = new Set()
const started = performance.now()
let appended = 0
while (appended < lines.length && performance.now() - started < budgetMs) {
  const envelope = JSON.parse(lines[appended])
  const [stream, type] = streamOf(envelope)
  streams.add(stream)
  await append(stream, [{ type, data: envelope }])
  appended++
  if (appended % 1000 === 0) note(`peer: ${appended.toLocaleString('en-US')} notifications`)
}
const seconds = (performance.now() - started) / 1000

const check = sqliteConnection({ fileName: dbFile })
const active = await check.querySingle('SELECT COUNT(*) AS n FROM active_calls')
const stored = await check.querySingle("SELECT COUNT(*) AS n FROM emt_messages WHERE stream_id != 'bench-setup'")
check.close()
if (stored.n !== appended) throw new Error(`the peer stored ${stored.n} of ${appended} notifications`)
report({
  peer: `Emmett ${PEER_VERSION} (emmett-sqlite, sqlite3 defaults: WAL, synchronous FULL)`,
  notifications: appended,
  offered: lines.length,
  streams: streams.size,
  seconds,
  perSecond: appended / seconds,
  activeCalls: active.n,
  busyRetries: retries,
  peakRss: peakRss()
})
