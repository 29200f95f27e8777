/**
 * `callstate doctor` through the real binary: all ok on a healthy data directory (exit 0), a damaged read-model file
 * fails with "run callstate rebuild" (and `rebuild` then sets it aside and rebuilds it), a damaged log fails with the
 * count of readable events and `serve` refuses it, the WAL limit warns, and nothing is created in a missing directory.
 */
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cli, readLog, tempDir } from './cli-helpers.js'
import { P01, P02, PAYLOADS } from './serve-helpers.js'

interface Report {
  ok: boolean
  checks: Array<{ check: string; status: string; detail: string; action?: string; figures?: Record<string, unknown> }>
}

// One populated data directory (two captures, read models rebuilt), copied for each test.
const base = tempDir('doctor-base')
for (const f of [P01, P02]) assert.is(cli(['--data-dir', base, 'import', path.join(PAYLOADS, f)]).code, 0)
assert.is(cli(['--data-dir', base, 'rebuild']).code, 0)
const events = (await readLog(base)).length

const populated = (): string => {
  const dir = tempDir('doctor')
  fs.cpSync(base, dir, { recursive: true })
  return dir
}

const report = (dir: string, ...args: string[]): { code: number | null; report: Report; stderr: string } => {
  const r = cli(['--data-dir', dir, 'doctor', '--json', ...args])
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr }
}

const check = (r: Report, name: string) => r.checks.find((c) => c.check === name)

test('a healthy data directory: every check ok, head and count, lag 0, exit 0; the text form has one line per check', () => {
  const dir = populated()
  const r = report(dir, '--full')
  assert.is(r.code, 0, r.stderr)
  assert.ok(r.report.ok)
  assert.equal(
    r.report.checks.map((c) => [c.check, c.status]),
    [
      ['log', 'ok'],
      ['read models', 'ok'],
      ['wal', 'ok']
    ]
  )
  assert.ok(events > 0)
  assert.is(check(r.report, 'log')?.figures?.['events'], events)
  assert.is(check(r.report, 'log')?.figures?.['head'], events)
  assert.is(check(r.report, 'read models')?.figures?.['lag'], 0)
  const text = cli(['--data-dir', dir, 'doctor'])
  assert.is(text.code, 0)
  assert.match(text.stdout, new RegExp(`^ok {3}log {9}.*quick_check ok, head ${events}, ${events} event`, 'm'))
  assert.is(text.stdout.trim().split('\n').length, 3)
})

test('a damaged read-model file: doctor fails and says rebuild; rebuild sets it aside and rebuilds from the log', () => {
  const dir = populated()
  const file = path.join(dir, 'readmodels.db')
  const fd = fs.openSync(file, 'r+')
  fs.writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, 4096)
  fs.closeSync(fd)
  const r = report(dir)
  assert.is(r.code, 1)
  assert.not.ok(r.report.ok)
  assert.is(check(r.report, 'read models')?.status, 'fail')
  assert.match(check(r.report, 'read models')?.action ?? '', /callstate rebuild/)
  assert.is(check(r.report, 'log')?.status, 'ok')
  const rebuilt = cli(['--data-dir', dir, 'rebuild'])
  assert.is(rebuilt.code, 0, rebuilt.stderr)
  assert.match(rebuilt.stderr, /is damaged .*moved to .*readmodels\.db\.damaged-/)
  assert.is(report(dir).code, 0)
  assert.is(cli(['--data-dir', dir, 'verify']).code, 0)
})

test('a damaged log: doctor fails with the readable count; serve refuses it in one line', () => {
  const dir = populated()
  const file = path.join(dir, 'events.db')
  const fd = fs.openSync(file, 'r+')
  for (const page of [3, 5]) fs.writeSync(fd, Buffer.alloc(4096, 0xcd), 0, 4096, page * 4096)
  fs.closeSync(fd)
  const r = report(dir)
  assert.is(r.code, 1)
  const log = check(r.report, 'log')
  assert.is(log?.status, 'fail')
  assert.match(log?.detail ?? '', /event\(s\) readable/)
  assert.type(log?.figures?.['readable'], 'number')
  const serve = cli(['--data-dir', dir, 'serve', '--port', '0'])
  assert.is(serve.code, 1)
  assert.is(serve.stderr.trim().split('\n').length, 1, serve.stderr)
  assert.match(serve.stderr, /fails SQLite's integrity check .* can still be read/)
})

test('WAL over the limit warns (exit 0) and says checkpoint', () => {
  const dir = populated()
  fs.writeFileSync(path.join(dir, 'events.db-wal'), Buffer.alloc(2 * 1024 * 1024))
  const warned = report(dir, '--max-wal-mib', '1')
  assert.is(warned.code, 0)
  assert.is(check(warned.report, 'wal')?.status, 'warn')
  assert.match(check(warned.report, 'wal')?.action ?? '', /--checkpoint/)
})

test('a missing data directory: warnings, nothing created', () => {
  const dir = path.join(tempDir('doctor-missing'), 'absent')
  const r = report(dir)
  assert.is(r.code, 0)
  assert.equal(
    r.report.checks.map((c) => c.status),
    ['warn', 'warn', 'ok']
  )
  assert.not.ok(fs.existsSync(dir))
})

test('--esdb with nothing listening: the store check fails within the time bound', () => {
  const dir = tempDir('doctor-esdb')
  const esdb = cli([
    '--data-dir',
    dir,
    '--esdb',
    'esdb://127.0.0.1:1?tls=false',
    'doctor',
    '--json',
    '--timeout',
    '3000'
  ])
  assert.is(esdb.code, 1)
  const parsed = JSON.parse(esdb.stdout) as Report
  assert.is(check(parsed, 'store')?.status, 'fail')
})

test.run()
