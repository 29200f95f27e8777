/**
 * `callstate import --esdb` (the real CLI, a child process) into the EventStoreDB wire double answering every
 * call 20 ms late, as a remote node does (issue 18): a 20,000-line simulated day finishes with every notification
 * stored once; an import that times out (a call that never answers, applied or not) or is killed fails clearly,
 * and running it again finishes it without storing anything twice.
 */
import { rmSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { classify } from '@callstate/ingest'
import { DEFAULT_OPTIONS, simulateLines } from '@callstate/simulator'
import { cli, cliAsync, tempDir, writeLines, type CliResult } from './cli-helpers.js'
import { startEsdbGrpcDouble, type EsdbGrpcDouble } from './doubles/esdb-grpc-double.js'

const lines = (count: number): string[] => {
  const out: string[] = []
  for (const line of simulateLines({ ...DEFAULT_OPTIONS, calls: 100_000, seed: 18 })) {
    if (out.length === count) break
    out.push(line)
  }
  return out
}

/** The ids the import must store, each once (what ingest's pure classify step gives each line). */
const expectedIds = (input: ReadonlyArray<string>): string[] => [
  ...new Set(
    input.flatMap((raw, i) =>
      classify({ raw, source: 'import-file', sourceRef: `x:${i + 1}` }, '2026-01-01T00:00:00.000Z').map((p) => {
        if (p._tag !== 'notification') throw new Error(`line ${i + 1} would be quarantined`)
        return p.event.id
      })
    )
  )
]

/** `callstate --esdb <url> import --json <file>` in the background (the test's double answers meanwhile). */
const importInto = (double: EsdbGrpcDouble, file: string, dataDir: string, extra: ReadonlyArray<string> = []) => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CALLSTATE_')))
  const args = ['--data-dir', dataDir, '--esdb', double.url, ...extra, 'import', '--json', file]
  return cliAsync(args, env)
}

const storedIds = (double: EsdbGrpcDouble): string[] =>
  double.log.all.filter((e) => !e.stream.startsWith('$')).map((e) => e.id)

const whenAppends = async (double: EsdbGrpcDouble, count: number, done: Promise<CliResult>): Promise<void> => {
  let finished: CliResult | undefined
  void done.then((r) => (finished = r))
  while (double.faults.calls.append < count && !finished) await new Promise((r) => setTimeout(r, 5))
  if (finished) throw new Error(`the import ended before ${count} append calls: ${JSON.stringify(finished)}`)
}

test('a 20,000-line import at 20 ms per call finishes, every notification stored exactly once', async () => {
  const dir = tempDir('esdb-import')
  const double = await startEsdbGrpcDouble(0, { delayMs: 20 })
  try {
    const input = lines(20_000)
    const file = writeLines(dir, 'day.ndjson', input)
    const ids = expectedIds(input)
    const started = performance.now()
    const r = await importInto(double, file, `${dir}/data`).done
    const seconds = (performance.now() - started) / 1000
    assert.is(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout), {
      read: 20_000,
      appended: ids.length,
      duplicates: 20_000 - ids.length,
      quarantined: 0
    })
    const stored = storedIds(double)
    assert.equal(stored.slice().sort(), ids.slice().sort(), 'every notification once, nothing else')
    process.stderr.write(
      `  (20,000 lines at 20 ms per call: ${seconds.toFixed(1)} s, ${double.faults.calls.append} append calls, ` +
        `${double.faults.calls.read} read calls)\n`
    )
  } finally {
    await double.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

for (const fault of ['hung append, applied', 'hung append, not applied', 'killed'] as const)
  test(`an import that stops (${fault}) is finished by running it again, nothing stored twice`, async () => {
    const dir = tempDir('esdb-resume')
    const double = await startEsdbGrpcDouble(0, { delayMs: 20, hungAppendsApplied: fault.endsWith(', applied') })
    try {
      const input = lines(3000)
      const file = writeLines(dir, 'part.ndjson', input)
      const ids = expectedIds(input)
      const first = importInto(double, file, `${dir}/data`, ['--esdb-timeout-ms', '5000'])
      await whenAppends(double, 100, first.done)
      if (fault === 'killed') first.child.kill('SIGKILL')
      else double.faults.hangNext(1, 'append')
      const failed = await first.done
      if (fault === 'killed') assert.is(failed.code, null)
      else {
        assert.is(failed.code, 1, failed.stderr)
        assert.match(
          failed.stderr,
          /^callstate: the event store did not answer appendBatch \(append of \d+ events? to \S+\) within 5000 ms\n$/
        )
      }
      // Appends the killed process had sent still land (the double answers 20 ms late): let them.
      if (fault === 'killed') await new Promise((r) => setTimeout(r, 200))
      const partial = storedIds(double)
      assert.ok(partial.length > 0 && partial.length < ids.length, `partly stored: ${partial.length} of ${ids.length}`)
      assert.is(new Set(partial).size, partial.length)

      const second = await importInto(double, file, `${dir}/data`).done
      assert.is(second.code, 0, second.stderr)
      const summary: unknown = JSON.parse(second.stdout)
      const stored = storedIds(double)
      assert.equal(stored.slice().sort(), ids.slice().sort(), 'every notification once')
      assert.equal(summary, {
        read: 3000,
        appended: ids.length - partial.length,
        duplicates: 3000 - ids.length + partial.length,
        quarantined: 0
      })
    } finally {
      await double.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })

test('the EventStoreDB flags: --help names them with their variables and defaults; a bad value is exit 2', () => {
  const help = cli(['--help'])
  assert.is(help.code, 0)
  for (const text of [
    '--esdb-timeout-ms <ms>',
    'CALLSTATE_ESDB_TIMEOUT_MS',
    'default: 10000',
    '--esdb-concurrency <n>'
  ])
    assert.ok(help.stdout.replace(/\s+/g, ' ').includes(text), `--help mentions ${text}`)
  assert.ok(help.stdout.includes('CALLSTATE_ESDB_CONCURRENCY') && help.stdout.includes('default: 16'))
  const bad = [
    cli(['--esdb-timeout-ms', 'soon', 'log']),
    cli(['--esdb-concurrency', '0', 'log']),
    cli(['log'], { env: { CALLSTATE_ESDB_TIMEOUT_MS: '-5' } }),
    cli(['log'], { env: { CALLSTATE_ESDB_CONCURRENCY: '2.5' } })
  ]
  assert.equal(
    bad.map((r) => [r.code, r.stdout, r.stderr.split('\n')[0]]),
    [
      [
        2,
        '',
        "error: option '--esdb-timeout-ms <ms>' argument 'soon' is invalid. It must be a whole number of milliseconds > 0, e.g. 10000."
      ],
      [
        2,
        '',
        "error: option '--esdb-concurrency <n>' argument '0' is invalid. It must be a whole number > 0, e.g. 16."
      ],
      [
        2,
        '',
        "error: option '--esdb-timeout-ms <ms>' value '-5' from env 'CALLSTATE_ESDB_TIMEOUT_MS' is invalid. It must be a whole number of milliseconds > 0, e.g. 10000."
      ],
      [
        2,
        '',
        "error: option '--esdb-concurrency <n>' value '2.5' from env 'CALLSTATE_ESDB_CONCURRENCY' is invalid. It must be a whole number > 0, e.g. 16."
      ]
    ]
  )
})

test.run()
