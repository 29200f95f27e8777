/**
 * Crash safety of the runner: a child process catching up over a large generated log is killed with
 * SIGKILL part-way; catching up again from its checkpoint gives exactly the digest of a clean rebuild
 * (rows and checkpoint are committed in one transaction, so nothing was applied twice or skipped).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import Database from 'better-sqlite3'
import { openReadModels } from '@callstate/readmodels'
import { openSqliteStore } from '@callstate/sqlite'
import { createRunner, rebuild } from '@callstate/projections'
import { ingest } from '@callstate/ingest'

const SESSIONS = 12_000
const STEPS = ['Setup', 'Proceeding', 'Answered', 'Hold', 'Answered', 'Disconnected'] as const

/** Plausible telephony notifications: per session two parties through the steps, interleaved across sessions. */
const generate = (from: number, to: number): unknown[] => {
  const out: unknown[] = []
  for (let s = from; s < to; s++)
    STEPS.forEach((code, i) => {
      const t = new Date(Date.UTC(2024, 0, 1) + s * 60_000 + i * 5_000).toISOString()
      out.push({
        uuid: `gen-${s}-${i}`,
        event: '/restapi/v1.0/account/1/telephony/sessions',
        timestamp: t,
        subscriptionId: 'sub',
        body: {
          sequence: i + 2,
          telephonySessionId: `s-gen-${s}`,
          sessionId: `${s}`,
          eventTime: t,
          origin: { type: 'Call' },
          parties: [
            { id: `p-gen-${s}-${i % 2}`, extensionId: `${100 + (s % 50)}`, direction: 'Inbound', status: { code } }
          ]
        }
      })
    })
  return out
}

const checkpointOf = (file: string): number => {
  if (!existsSync(file)) return 0
  const db = new Database(file)
  db.pragma('busy_timeout = 5000')
  try {
    const exists: unknown = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'rm_meta'").pluck().get()
    if (exists !== 1) return 0
    const v: unknown = db.prepare("SELECT checkpoint FROM rm_meta WHERE projection = 'sessions'").pluck().get()
    return typeof v === 'number' ? v : 0
  } finally {
    db.close()
  }
}

const CHILD = `
import { openReadModels } from '@callstate/readmodels'
import { openSqliteStore } from '@callstate/sqlite'
import { createRunner } from '@callstate/projections'
const dir = process.argv[1]
const store = openSqliteStore({ dataDir: dir })
if (store._tag !== 'Right') process.exit(3)
const rm = openReadModels({ dataDir: dir })
if (rm._tag !== 'Right') process.exit(4)
await createRunner(store.right, rm.right, { batchSize: 500 }).catchUp()()
process.exit(0)
`

test('kill -9 during catch-up, then restart: same digest as a clean rebuild', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'callstate-crash-'))
  const opened = openSqliteStore({ dataDir: dir })
  if (E.isLeft(opened)) throw new Error('store')
  const store = opened.right
  for (let s = 0; s < SESSIONS; s += 1000) {
    const values = generate(s, s + 1000)
    const items = values.map((v, i) => ({
      raw: JSON.stringify(v),
      source: 'import-file' as const,
      sourceRef: `gen:#${s}-${i}`
    }))
    assert.ok(E.isRight(await ingest(store, items, () => new Date('2024-02-01T00:00:00Z'))()))
  }
  const head = await store.head()()
  assert.equal(head, E.right(SESSIONS * STEPS.length))

  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, dir], {
    cwd: path.resolve(import.meta.dirname, '..'),
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (c) => (stderr += String(c)))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const file = path.join(dir, 'readmodels.db')
  let killedAt = 0
  for (let i = 0; i < 3000 && child.exitCode === null; i++) {
    await new Promise((r) => setTimeout(r, 5))
    killedAt = checkpointOf(file)
    if (killedAt >= 5000) {
      child.kill('SIGKILL')
      break
    }
  }
  await exited
  assert.is(stderr, '')
  assert.ok(killedAt > 0 && killedAt < SESSIONS * STEPS.length, `killed part-way (checkpoint ${killedAt})`)

  const liveOpened = openReadModels({ dataDir: dir })
  if (E.isLeft(liveOpened)) throw new Error('read models')
  const live = liveOpened.right
  const resumed = await createRunner(store, live).catchUp()()
  assert.ok(E.isRight(resumed))
  assert.ok(live.meta().every((m) => m.checkpoint === SESSIONS * STEPS.length))
  const scratchOpened = openReadModels({ file: path.join(dir, 'scratch.db') })
  if (E.isLeft(scratchOpened)) throw new Error('scratch read models')
  const scratch = scratchOpened.right
  const clean = await rebuild(store, scratch)()
  if (E.isLeft(clean)) throw new Error('rebuild')
  assert.is(live.digest(), clean.right.digest)
  assert.is(live.listSessions({ limit: 20_000 }).length, SESSIONS)
  live.close()
  scratch.close()
  await store.close()
})

test.run()
