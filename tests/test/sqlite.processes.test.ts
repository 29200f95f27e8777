/**
 * Several processes on one file: a writer in a child process, this process subscribed or writing too, and a
 * writer killed with SIGKILL in the middle of its appends. The child is a small script written to the temp dir
 * that appends through the real store (src/sqlite) and prints `committed N` after each batch has returned.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { NewEvent, StoreFailure, StoredEvent } from '@callstate/projections'
import { openSqliteStore, type SqliteEventStore } from '@callstate/sqlite'
import { openReadModels } from '@callstate/readmodels'

const here = path.dirname(fileURLToPath(import.meta.url))
// The writers load the built store (tests run after `npm run build`).
const storeModule = import.meta.resolve('@callstate/sqlite')

const WRITER = `
import fs from 'node:fs'
import { openSqliteStore } from ${JSON.stringify(storeModule)}
const [dataDir, stream, total, batch, prefix, go] = process.argv.slice(2)
const opened = openSqliteStore({ dataDir })
if (opened._tag === 'Left') { console.error(JSON.stringify(opened.left)); process.exit(2) }
const store = opened.right
console.log('ready')
// Writers that must overlap wait for the parent's go file, so none finishes before the others start.
while (go !== '-' && !fs.existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 5))
let committed = 0
while (committed < Number(total)) {
  const events = Array.from({ length: Number(batch) }, (_, i) => ({
    id: prefix + '-' + (committed + i),
    type: 'UnknownNotification',
    data: JSON.stringify({ uuid: prefix + '-' + (committed + i), event: '/restapi/v1.0/test' }),
    metadata: { receivedAt: '2024-05-01T10:00:00.000Z', source: 'simulator', contentHash: 'h' + (committed + i) }
  }))
  const result = await store.appendBatch([{ stream, expected: 'any', events }])()
  if (result._tag === 'Left') { console.error(JSON.stringify(result.left)); process.exit(3) }
  committed += events.length
  console.log('committed ' + committed)
  // Overlapping writers pause between batches as a webhook server does between group commits; without a pause
  // SQLite's busy backoff lets one writer take the lock for many batches in a row.
  if (go !== '-') await new Promise((resolve) => setTimeout(resolve, 2))
}
await store.close()
`

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-procs-'))

const open = (dataDir: string): SqliteEventStore => {
  const opened = openSqliteStore({ dataDir, pollIntervalMs: 20 })
  if (E.isLeft(opened)) throw new Error(`open failed: ${JSON.stringify(opened.left)}`)
  return opened.right
}

const must = async <A>(task: TE.TaskEither<StoreFailure, A>): Promise<A> => {
  const result = await task()
  if (E.isLeft(result)) throw new Error(`store answered ${JSON.stringify(result.left)}`)
  return result.right
}

interface Writer {
  readonly child: ChildProcess
  readonly ready: () => boolean
  /** The counts the child reported committed, as they arrive. */
  readonly committed: number[]
  readonly exited: Promise<number | null>
  readonly stderr: () => string
}

const writer = (dataDir: string, stream: string, total: number, batch: number, prefix: string, go = '-'): Writer => {
  const script = path.join(dataDir, `${prefix}-writer.mjs`)
  fs.writeFileSync(script, WRITER)
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, dataDir, stream, `${total}`, `${batch}`, prefix, go],
    {
      cwd: path.join(here, '..'),
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  const committed: number[] = []
  let pending = ''
  let errors = ''
  let ready = false
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString()
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      if (line === 'ready') ready = true
      if (line.startsWith('committed ')) committed.push(Number(line.slice(10)))
    }
  })
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, ready: () => ready, committed, exited, stderr: () => errors }
}

const until = async (condition: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + 20_000 // a hang guard, not a speed check
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const ids = (events: ReadonlyArray<StoredEvent>): ReadonlyArray<string> => events.map((e) => e.id)
const range = (n: number, f: (i: number) => string | number) => Array.from({ length: n }, (_, i) => f(i))

test('a subscription sees events appended by another process', async () => {
  const dataDir = tempDir()
  const store = open(dataDir)
  const received: StoredEvent[] = []
  let caughtUp = false
  const subscription = store.subscribe(0, {
    onEvents: (events) => void received.push(...events),
    onCaughtUp: () => (caughtUp = true)
  })
  await until(() => caughtUp, 'the subscription catches up on the empty log')
  const child = writer(dataDir, 'unknown', 30, 10, 'child')
  assert.equal(await child.exited, 0, child.stderr())
  await until(() => received.length === 30, 'the foreign appends arrive')
  assert.equal(
    ids(received),
    range(30, (i) => `child-${i}`)
  )
  assert.equal(
    received.map((e) => e.position),
    range(30, (i) => i + 1)
  )
  await subscription.close()
  await store.close()
})

test('two writer processes and this one append at once: positions stay gap-free, streams stay in order', async () => {
  const dataDir = tempDir()
  const store = open(dataDir)
  const go = path.join(dataDir, 'go')
  const a = writer(dataDir, 'stream-a', 1000, 10, 'a', go)
  const b = writer(dataDir, 'stream-b', 1000, 10, 'b', go)
  await until(() => a.ready() && b.ready(), 'both writers have opened the store')
  fs.writeFileSync(go, '')
  const mine: NewEvent[] = range(100, (i) => `p-${i}`).map((id) => ({
    id: `${id}`,
    type: 'UnknownNotification',
    data: '{}',
    metadata: { receivedAt: '2024-05-01T10:00:00.000Z', source: 'stdin', contentHash: `${id}` }
  }))
  for (let i = 0; i < mine.length; i += 5) {
    await must(store.append({ stream: 'stream-p', expected: 'any', events: mine.slice(i, i + 5) }))
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  assert.equal([await a.exited, await b.exited], [0, 0], a.stderr() + b.stderr())

  const all = await must(store.readAll(0, 10_000))
  assert.equal(
    all.map((e) => e.position),
    range(2100, (i) => i + 1)
  )
  for (const [stream, prefix, n] of [
    ['stream-a', 'a', 1000],
    ['stream-b', 'b', 1000],
    ['stream-p', 'p', 100]
  ] as const) {
    const events = all.filter((e) => e.stream === stream)
    assert.equal(
      ids(events),
      range(n, (i) => `${prefix}-${i}`)
    )
    assert.equal(
      events.map((e) => e.revision),
      range(n, (i) => i)
    )
  }
  // The writers really overlapped: their batches interleave in the log.
  const switches = all.filter((e, i) => i > 0 && e.stream !== all[i - 1]!.stream).length
  assert.ok(switches > 10, `the three writers interleave (${switches} stream switches along the log)`)
  await store.close()
})

test('every append a writer reported before kill -9 is in the file when it is reopened', async () => {
  const dataDir = tempDir()
  const child = writer(dataDir, 'session-kill', 1_000_000, 20, 'k')
  await until(() => child.committed.length >= 25, 'the writer has committed a few batches')
  child.child.kill('SIGKILL')
  await child.exited
  const reported = child.committed.at(-1) ?? 0

  const store = open(dataDir)
  const events = await must(store.readStream('session-kill'))
  assert.ok(events.length >= reported, `${events.length} events stored, ${reported} reported committed`)
  assert.equal(
    ids(events.slice(0, reported)),
    range(reported, (i) => `k-${i}`)
  )
  assert.equal(
    events.map((e) => e.position),
    range(events.length, (i) => i + 1)
  )
  // The file is whole after the kill: it takes new appends where the log ended.
  const next = await must(store.append({ stream: 'session-kill', expected: events.length - 1, events: [] }))
  assert.equal(next.lastRevision, events.length - 1)
  await store.close()
})

// A process that has just created the file and holds its first write lock, before the file is in WAL mode: what
// a second `callstate import` (or `serve`) started at the same moment on a fresh data directory runs into.
// SQLite answers the WAL switch with SQLITE_BUSY at once there, without waiting; opening must wait instead.
const sqliteModule = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href
const CREATOR = `
import Database from ${JSON.stringify(sqliteModule)}
const db = new Database(process.argv[2])
db.prepare('BEGIN IMMEDIATE').run()
db.exec('CREATE TABLE creating (x)')
console.log('locked')
await new Promise((resolve) => setTimeout(resolve, Number(process.argv[3])))
db.prepare('COMMIT').run()
db.close()
`

test('opening a file another process is creating waits for its lock instead of failing', async () => {
  const dataDir = tempDir()
  const script = path.join(dataDir, 'creator.mjs')
  fs.writeFileSync(script, CREATOR)
  for (const [file, openIt] of [
    ['events.db', () => open(dataDir).close()],
    [
      'readmodels.db',
      () => {
        const opened = openReadModels({ file: path.join(dataDir, 'readmodels.db') })
        if (E.isLeft(opened)) throw new Error(`open failed: ${JSON.stringify(opened.left)}`)
        opened.right.close()
      }
    ]
  ] as const) {
    const child = spawn(process.execPath, [script, path.join(dataDir, file), '300'], {
      cwd: path.join(here, '..'),
      stdio: ['ignore', 'pipe', 'inherit']
    })
    const exited = new Promise((resolve) => child.on('exit', resolve))
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    await openIt()
    assert.equal(await exited, 0)
  }
})

test.run()
