/**
 * Crash safety of `callstate import`: a large generated file, the import killed with SIGKILL part-way, run
 * again to the end; every notification must then be in the log exactly once.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createWriteStream, existsSync, statSync } from 'node:fs'
import Database from 'better-sqlite3'
import path from 'node:path'
import { once } from 'node:events'
import * as E from 'fp-ts/lib/Either.js'
import { openSqliteStore } from '@callstate/sqlite'
import { cli, cliAsync, parseJson, readLog, tempDir } from './cli-helpers.js'

const COUNT = 200_000

/** A simple valid telephony notification; four per session (Setup .. Disconnected). */
const line = (i: number): string => {
  const s = Math.floor(i / 4)
  const code = ['Setup', 'Proceeding', 'Answered', 'Disconnected'][i % 4]
  return JSON.stringify({
    uuid: `crash-${i}`,
    event: '/restapi/v1.0/account/1/extension/2/telephony/sessions',
    timestamp: '2024-01-01T00:00:00.000Z',
    subscriptionId: 'sub-1',
    body: {
      sequence: 2 + (i % 4),
      telephonySessionId: `s-crash-${s}`,
      eventTime: '2024-01-01T00:00:00.000Z',
      parties: [{ id: `p-${s}-1`, direction: 'Inbound', status: { code } }]
    }
  })
}

const generate = async (file: string): Promise<void> => {
  const out = createWriteStream(file)
  for (let i = 0; i < COUNT; i++) if (!out.write(`${line(i)}\n`)) await once(out, 'drain')
  out.end()
  await once(out, 'finish')
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Log head seen from another connection (the import holds its own). */
const head = async (dataDir: string): Promise<number> => {
  const opened = openSqliteStore({ dataDir })
  if (E.isLeft(opened)) return 0
  const h = await opened.right.head()()
  await opened.right.close()
  return E.isRight(h) ? h.right : 0
}

test('kill -9 mid-import, import again: every notification stored exactly once', async () => {
  const work = tempDir('crash')
  const file = path.join(work, 'big.ndjson')
  const dataDir = path.join(work, 'data')
  await generate(file)

  const { child, done } = cliAsync(['import', file, '--json', '--data-dir', dataDir])
  // Wait until some batches are committed, then kill without warning.
  let seen = 0
  while (seen === 0) {
    await sleep(20)
    seen = await head(dataDir)
  }
  child.kill('SIGKILL')
  const killed = await done
  assert.is(killed.code, null, 'the import was killed, not finished')
  const partial = await head(dataDir)
  assert.ok(partial > 0 && partial < COUNT, `killed part-way (${partial} of ${COUNT} stored)`)

  const rerun = parseJson(cli(['import', file, '--json', '--data-dir', dataDir]))
  assert.equal(rerun, { read: COUNT, appended: COUNT - partial, duplicates: partial, quarantined: 0 })

  const log = await readLog(dataDir)
  assert.is(log.length, COUNT)
  assert.is(new Set(log.map((e) => e.id)).size, COUNT)
  assert.is(new Set(log.map((e) => e.metadata.uuid)).size, COUNT)
  // Positions are gap-free 1..COUNT.
  assert.ok(log.every((e, i) => e.position === i + 1))
})

test('kill -9 mid-import --exclusive: the journal is rolled back, the log is WAL again, a re-run finishes it', async () => {
  const work = tempDir('crash-exclusive')
  const file = path.join(work, 'big.ndjson')
  const dataDir = path.join(work, 'data')
  await generate(file)

  const { child, done } = cliAsync(['import', file, '--exclusive', '--json', '--data-dir', dataDir])
  // Nobody else may open the log meanwhile: watch the file grow instead, then kill without warning.
  const logFile = path.join(dataDir, 'events.db')
  while (!existsSync(logFile) || statSync(logFile).size < 8 * 1024 * 1024) await sleep(20)
  child.kill('SIGKILL')
  assert.is((await done).code, null, 'the import was killed, not finished')
  const partial = await head(dataDir)
  assert.ok(partial < COUNT, `killed part-way (${partial} of ${COUNT} stored)`)
  const mode = new Database(logFile, { readonly: true })
  assert.is(mode.pragma('journal_mode', { simple: true }), 'wal')
  mode.close()

  const rerun = parseJson(cli(['import', file, '--exclusive', '--json', '--data-dir', dataDir]))
  assert.equal(rerun, { read: COUNT, appended: COUNT - partial, duplicates: partial, quarantined: 0 })
  const log = await readLog(dataDir)
  assert.is(log.length, COUNT)
  assert.is(new Set(log.map((e) => e.metadata.uuid)).size, COUNT)
  assert.ok(log.every((e, i) => e.position === i + 1))
})

test('--exclusive is refused with --esdb (usage, exit 2)', () => {
  const r = cli(['import', '--exclusive', '--esdb', 'esdb://127.0.0.1:1?tls=false', '-'], { input: '{}\n' })
  assert.is(r.code, 2)
  assert.match(r.stderr, /--exclusive is for the embedded log/)
})

test.run()
