/**
 * `callstate backup` and `callstate restore` through the real binary: the copy and its manifest, the restored log
 * and verify, and the refusals (non-empty target, no manifest, a damaged copy, a manifest that does not match,
 * --esdb), each one line with its exit code, leaving the data directory untouched.
 */
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cli, readLog, tempDir, writeLines } from './cli-helpers.js'
import { syntheticNotifications } from './serve-helpers.js'

/** A data directory with 200 notifications (and caught-up read models unless `readModels` is false). */
const source = (readModels = true): { work: string; dataDir: string } => {
  const work = tempDir('backup')
  const dataDir = path.join(work, 'data')
  const file = writeLines(
    work,
    'in.ndjson',
    syntheticNotifications(200, 'bk').map((n) => n.text)
  )
  assert.is(cli(['--data-dir', dataDir, 'import', file]).code, 0)
  if (readModels) assert.is(cli(['--data-dir', dataDir, 'verify']).code, 0)
  return { work, dataDir }
}

const backupOf = (dataDir: string, dir: string, ...extra: string[]) =>
  cli(['--data-dir', dataDir, 'backup', dir, ...extra])

const restoreInto = (dataDir: string, dir: string, ...extra: string[]) =>
  cli(['--data-dir', dataDir, 'restore', dir, ...extra])

const oneLine = (stderr: string): string => {
  const lines = stderr.trim().split('\n')
  assert.is(lines.length, 1, `one line: ${stderr}`)
  return lines[0] ?? ''
}

test('backup then restore: same log, manifest head, verify passes on the restored directory', async () => {
  const { work, dataDir } = source()
  const dir = path.join(work, 'copy')
  const r = backupOf(dataDir, dir, '--json')
  assert.is(r.code, 0, r.stderr)
  const printed: unknown = JSON.parse(r.stdout)
  const manifest: unknown = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'))
  assert.is(Reflect.get(Object(manifest), 'head'), 200)
  assert.is(Reflect.get(Object(manifest), 'events'), 200)
  assert.is(Reflect.get(Object(printed), 'head'), 200)
  assert.is(Reflect.get(Object(Reflect.get(Object(manifest), 'readModels')), 'checkpoint'), 200)
  assert.equal(fs.readdirSync(dir).sort(), ['events.db', 'manifest.json', 'readmodels.db'])

  const restored = path.join(work, 'restored')
  const rr = restoreInto(restored, dir)
  assert.is(rr.code, 0, rr.stderr)
  assert.match(rr.stdout, /^Restored 200 events \(head 200/)
  const before = await readLog(dataDir)
  const after = await readLog(restored)
  assert.equal(
    after.map((e) => [e.position, e.id]),
    before.map((e) => [e.position, e.id])
  )
  assert.is(cli(['--data-dir', restored, 'verify']).code, 0)
})

test('backup refuses a non-empty target unless --force; no log is one clear line', () => {
  const { work, dataDir } = source(false)
  const dir = path.join(work, 'copy')
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'something'), 'x')
  const refused = backupOf(dataDir, dir)
  assert.is(refused.code, 1)
  assert.match(oneLine(refused.stderr), /is not empty: back up into a new directory, or add --force/)
  assert.not.ok(fs.existsSync(path.join(dir, 'manifest.json')))
  assert.is(backupOf(dataDir, dir, '--force').code, 0)
  assert.ok(fs.existsSync(path.join(dir, 'manifest.json')))

  const none = backupOf(path.join(work, 'nothing-here'), path.join(work, 'copy2'))
  assert.is(none.code, 1)
  assert.match(oneLine(none.stderr), /no log to back up: .*events\.db does not exist/)
})

test('restore refuses a directory without a manifest, and a non-empty data directory unless --force', async () => {
  const { work, dataDir } = source(false)
  const empty = path.join(work, 'not-a-backup')
  fs.mkdirSync(empty)
  const noManifest = restoreInto(path.join(work, 'r1'), empty)
  assert.is(noManifest.code, 1)
  assert.match(oneLine(noManifest.stderr), /no manifest\.json in .*: not a callstate backup/)
  assert.not.ok(fs.existsSync(path.join(work, 'r1')))

  const dir = path.join(work, 'copy')
  assert.is(backupOf(dataDir, dir).code, 0)
  const other = source()
  const refused = restoreInto(other.dataDir, dir)
  assert.is(refused.code, 1)
  assert.match(oneLine(refused.stderr), /is not empty: restore into an empty data directory, or add --force/)
  const forced = restoreInto(other.dataDir, dir, '--force')
  assert.is(forced.code, 0, forced.stderr)
  assert.equal(
    (await readLog(other.dataDir)).map((e) => e.id),
    (await readLog(dataDir)).map((e) => e.id)
  )
  assert.is(cli(['--data-dir', other.dataDir, 'verify']).code, 0)
})

test('restore refuses a damaged copy of the log (integrity check, sha256, head) and leaves the data directory alone', () => {
  const { work, dataDir } = source(false)
  const dir = path.join(work, 'copy')
  assert.is(backupOf(dataDir, dir).code, 0)
  const log = path.join(dir, 'events.db')
  const original = fs.readFileSync(log)
  const target = path.join(work, 'restored')

  // A b-tree page overwritten with garbage: SQLite's integrity check (or the open) finds it.
  const garbage = Buffer.from(original)
  garbage.fill(0x5a, 4096, 3 * 4096)
  fs.writeFileSync(log, garbage)
  const damaged = restoreInto(target, dir)
  assert.is(damaged.code, 1)
  assert.match(oneLine(damaged.stderr), /integrity check|cannot be opened|malformed/)
  assert.not.ok(fs.existsSync(target))

  // One byte of one row changed: the structure is intact, the sha256 of the manifest is not.
  const flipped = Buffer.from(original)
  const at = original.lastIndexOf(Buffer.from('bk-'))
  assert.ok(at > 0)
  flipped[at] = 'B'.charCodeAt(0)
  fs.writeFileSync(log, flipped)
  const changed = restoreInto(target, dir)
  assert.is(changed.code, 1)
  assert.match(oneLine(changed.stderr), /sha256 differs/)
  assert.not.ok(fs.existsSync(target))

  // The manifest names another head.
  fs.writeFileSync(log, original)
  const manifestFile = path.join(dir, 'manifest.json')
  const manifest: unknown = JSON.parse(fs.readFileSync(manifestFile, 'utf8'))
  fs.writeFileSync(manifestFile, JSON.stringify({ ...Object(manifest), head: 201, events: 201 }))
  const mismatch = restoreInto(target, dir)
  assert.is(mismatch.code, 1)
  assert.match(oneLine(mismatch.stderr), /holds 200 events up to position 200; its manifest says 201 up to 201/)
  assert.not.ok(fs.existsSync(target))
})

test('a damaged copy of the read models is left out: the log is restored and the read models rebuilt', () => {
  const { work, dataDir } = source()
  const dir = path.join(work, 'copy')
  assert.is(backupOf(dataDir, dir).code, 0)
  const rm = path.join(dir, 'readmodels.db')
  const bytes = fs.readFileSync(rm)
  bytes.fill(0x5a, 4096, 3 * 4096)
  fs.writeFileSync(rm, bytes)
  const target = path.join(work, 'restored')
  const r = restoreInto(target, dir)
  assert.is(r.code, 0, r.stderr)
  assert.match(oneLine(r.stderr), /warning: the copy of the read models is not used/)
  assert.match(r.stdout, /the read models are rebuilt from the log on start/)
  assert.not.ok(fs.existsSync(path.join(target, 'readmodels.db')))
  assert.is(cli(['--data-dir', target, 'verify']).code, 0)
})

test('with --esdb both commands say EventStoreDB has its own backup tools (exit 2)', () => {
  const work = tempDir('backup-esdb')
  for (const command of ['backup', 'restore']) {
    const r = cli(['--esdb', 'esdb://127.0.0.1:1?tls=false', command, path.join(work, 'x')])
    assert.is(r.code, 2)
    assert.match(oneLine(r.stderr), /EventStoreDB's own backup tools/)
  }
})

test.run()
