/**
 * `callstate copy --to` through the built binary. Embedded log to embedded log: the real captures, their samples
 * (conflicts and other quarantine entries) and a simulated day with duplicates, reordering and malformed lines; the
 * copy holds the same events (ids, streams, revisions, data, metadata) in the same order, rebuilds to the same
 * digest, copies nothing on a re-run, finishes without duplicates after a kill -9, and refuses a bad or the same
 * target. Then embedded -> the EventStoreDB wire double -> embedded: the same digest on every side.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { openSqliteStore } from '@callstate/sqlite'
import type { NewEvent, StoredEvent } from '@callstate/projections'
import { cli, cliAsync, parseJson, PAYLOADS, readLog, sampleLines, tempDir, writeLines } from './cli-helpers.js'
import { startEsdbGrpcDouble } from './doubles/esdb-grpc-double.js'

/** A source log: captures 01-09, the samples of 10-13, a simulated day. */
const makeSource = (): string => {
  const work = tempDir('copy-src')
  const dataDir = path.join(work, 'data')
  const day = path.join(work, 'day.ndjson')
  const sim = cli(['simulate', '--calls', '400', '--seed', '5', '--duplicate-rate', '0.05', '--reorder-rate', '0.05'])
  assert.is(sim.code, 0, sim.stderr)
  writeFileSync(day, `${sim.stdout}not json\n`)
  const captures = readdirSync(PAYLOADS).filter((f) => /^0\d-.*\.json$/.test(f))
  const samples = writeLines(work, 'samples.ndjson', sampleLines())
  for (const file of [...captures.map((f) => path.join(PAYLOADS, f)), samples, day]) {
    const r = cli(['--data-dir', dataDir, 'import', '--json', file])
    assert.is(r.code, 0, r.stderr)
  }
  return dataDir
}

const source = makeSource()

/** What must survive a copy: everything but the position and revision (and those too, where the order is kept). */
const content = (e: StoredEvent) => [e.id, e.stream, e.type, e.data, e.metadata]

const copyJson = (args: ReadonlyArray<string>) => parseJson(cli(['copy', '--json', ...args])) as Record<string, unknown>

const digestOf = (dataDir: string): string => {
  const r = parseJson(cli(['--data-dir', dataDir, 'rebuild', '--json']))
  return String((r as { digest: unknown }).digest)
}

const progressFiles = (dir: string) => readdirSync(dir).filter((f) => /^copy-progress-[0-9a-f]{16}\.json$/.test(f))

test('embedded -> embedded: the same events in the same order, the same digest; a re-run copies nothing', async () => {
  const log = await readLog(source)
  assert.ok(log.some((e) => e.stream === 'quarantine') && log.some((e) => e.stream.startsWith('presence-')))
  const target = path.join(tempDir('copy-dst'), 'new', 'data')
  const first = copyJson(['--data-dir', source, '--to', target])
  const { ms: _ms, eventsPerSecond: _rate, ...counts } = first
  assert.equal(counts, {
    source: source,
    target: target,
    read: log.length,
    copied: log.length,
    alreadyThere: 0,
    resumedAfter: 0
  })
  const copy = await readLog(target)
  // The embedded target keeps the global order: positions and revisions too.
  assert.equal(
    copy.map((e) => [e.position, e.revision, ...content(e)]),
    log.map((e) => [e.position, e.revision, ...content(e)])
  )
  const digest = digestOf(source)
  assert.is(digestOf(target), digest)
  const verify = parseJson(cli(['--data-dir', target, 'verify', '--json']))
  assert.equal(verify, { equal: true, live: digest, rebuilt: digest, checkpoint: log.length, events: log.length })

  // Again: the progress file says all is copied.
  assert.is(progressFiles(target).length, 1)
  const again = copyJson(['--data-dir', source, '--to', target])
  assert.equal([again['read'], again['copied'], again['alreadyThere'], again['resumedAfter']], [0, 0, 0, log.length])
  // Without it: every event is read and answered as already there.
  for (const f of progressFiles(target)) rmSync(path.join(target, f))
  const fresh = copyJson(['--data-dir', source, '--to', target])
  assert.equal([fresh['read'], fresh['copied'], fresh['alreadyThere']], [log.length, 0, log.length])
  assert.is((await readLog(target)).length, log.length)

  const text = cli(['--data-dir', source, 'copy', '--to', target])
  assert.is(text.code, 0, text.stderr)
  assert.match(text.stdout, /^Copied the log of the data directory .* to the data directory .*: 0 read in \d+ ms/)
  assert.match(text.stdout, /\n {2}resumed {8}after source position \d+/)
  assert.match(text.stdout, /\n {2}copied {9}0\n {2}already there {2}0 /)
})

test('a bad --to, or the same store, is refused (exit 2); a target that is down fails (exit 1, no stack)', () => {
  const link = path.join(tempDir('copy-link'), 'same')
  symlinkSync(source, link)
  const file = path.join(tempDir('copy-file'), 'a-file')
  writeFileSync(file, 'x')
  const refused: Array<[ReadonlyArray<string>, RegExp]> = [
    [['--to', source], /--to names the store being copied \(the data directory .*\)/],
    [['--to', `${source}/`], /--to names the store being copied/],
    [['--to', link], /--to names the store being copied/],
    [['--to', file], /is not a directory/],
    [['--to', 'http://example.com/x'], /unknown scheme/],
    [['--to', ''], /--to is empty/],
    [['--to', 'esdb://'], /names at least one host/],
    [[], /required option '--to/]
  ]
  for (const [args, message] of refused) {
    const r = cli(['--data-dir', source, 'copy', ...args])
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, message)
  }
  const noLog = cli(['--data-dir', path.join(tempDir('copy-none'), 'typo'), 'copy', '--to', tempDir('copy-x')])
  assert.is(noLog.code, 2)
  assert.match(noLog.stderr, /no log to copy in .*typo \(no events\.db\)/)

  const down = cli(['--data-dir', source, 'copy', '--to', 'esdb://127.0.0.1:1?tls=false'])
  assert.is(down.code, 1)
  assert.match(down.stderr, /^callstate: (reading the source|writing the target) failed: .*run again\)\n$/)
})

const COUNT = 200_000

/** A large source written straight through the store: the copy of it takes long enough to be killed part-way. */
const bigSource = async (dataDir: string): Promise<void> => {
  const opened = openSqliteStore({ dataDir, durability: 'normal' })
  if (E.isLeft(opened)) throw new Error(JSON.stringify(opened.left))
  const at = new Date(Date.UTC(2024, 0, 1)).toISOString()
  for (let i = 0; i < COUNT; i += 10_000) {
    const events = Array.from({ length: 10_000 }, (_, k): [string, NewEvent] => {
      const n = i + k
      const data = JSON.stringify({ uuid: `copy-${n}`, timestamp: at, body: { telephonySessionId: `s-${n >> 2}` } })
      const metadata = { receivedAt: at, source: 'import-file' as const, contentHash: `h${n}`, occurredAt: at }
      return [
        `session-s-${n >> 2}`,
        {
          id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
          type: 'TelephonySessionNotification',
          data,
          metadata
        }
      ]
    })
    const requests = events.map(([stream, event]) => ({ stream, expected: 'any' as const, events: [event] }))
    const r = await opened.right.appendBatch(requests)()
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
  }
  await opened.right.close()
}

/** The log's head seen from another connection; 0 before the copy created it (opening would create it). */
const head = async (dataDir: string): Promise<number> => {
  if (!existsSync(path.join(dataDir, 'events.db'))) return 0
  const opened = openSqliteStore({ dataDir })
  if (E.isLeft(opened)) return 0
  const h = await opened.right.head()()
  await opened.right.close()
  return E.isRight(h) ? h.right : 0
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

test('kill -9 part-way, run again: the copy is complete, in order, without duplicates', async () => {
  const work = tempDir('copy-crash')
  const from = path.join(work, 'from')
  const to = path.join(work, 'to')
  await bigSource(from)
  const { child, done } = cliAsync(['--data-dir', from, 'copy', '--json', '--to', to])
  while ((await head(to)) === 0) await sleep(20)
  child.kill('SIGKILL')
  assert.is((await done).code, null, 'the copy was killed, not finished')
  const partial = await head(to)
  assert.ok(partial > 0 && partial < COUNT, `killed part-way (${partial} of ${COUNT} copied)`)

  const rerun = copyJson(['--data-dir', from, '--to', to])
  const resumed = Number(rerun['resumedAfter'])
  assert.ok(resumed <= partial, `resumed after ${resumed}, with ${partial} copied`)
  assert.equal(
    [rerun['read'], rerun['copied'], rerun['alreadyThere']],
    [COUNT - resumed, COUNT - partial, partial - resumed]
  )
  const [original, copy] = [await readLog(from), await readLog(to)]
  assert.is(copy.length, COUNT)
  assert.is(new Set(copy.map((e) => e.id)).size, COUNT)
  assert.ok(
    copy.every((e, i) => e.position === i + 1 && e.id === original[i]?.id && e.stream === original[i]?.stream),
    'the copy holds the source in its order'
  )
  rmSync(work, { recursive: true, force: true })
})

/** Runs the CLI without blocking this process: the EventStoreDB double answers from it. */
const cliBackground = async (args: ReadonlyArray<string>): Promise<unknown> => {
  const r = await cliAsync(args).done
  if (r.code !== 0) throw new Error(`callstate ${args.join(' ')}: exit ${String(r.code)}: ${r.stderr}`)
  return JSON.parse(r.stdout)
}

test('embedded -> EventStoreDB (double) -> embedded: each stream in order, the same digest on every side', async () => {
  const double = await startEsdbGrpcDouble()
  try {
    const log = await readLog(source)
    const there = (await cliBackground(['--data-dir', source, 'copy', '--json', '--to', double.url])) as Record<
      string,
      unknown
    >
    assert.equal([there['read'], there['copied'], there['alreadyThere']], [log.length, log.length, 0])
    const stored = double.log.all.filter((e) => !e.stream.startsWith('$'))
    assert.is(stored.length, log.length)

    const digest = digestOf(source)
    const nodeDir = tempDir('copy-esdb-node')
    const esdb = ['--esdb', double.url, '--data-dir', nodeDir]
    const rebuilt = (await cliBackground([...esdb, 'rebuild', '--json'])) as { digest: string; events: number }
    assert.equal([rebuilt.events, rebuilt.digest], [log.length, digest])
    const verified = (await cliBackground([...esdb, 'verify', '--json'])) as { equal: boolean; live: string }
    assert.equal([verified.equal, verified.live], [true, digest])

    const back = path.join(tempDir('copy-back'), 'data')
    const returned = (await cliBackground([...esdb, 'copy', '--json', '--to', back])) as Record<string, unknown>
    assert.equal([returned['read'], returned['copied'], returned['alreadyThere']], [log.length, log.length, 0])
    assert.is(digestOf(back), digest)
    const copy = await readLog(back)
    const byStream = (events: ReadonlyArray<StoredEvent>) => {
      const streams = new Map<string, unknown[]>()
      for (const e of events) streams.set(e.stream, [...(streams.get(e.stream) ?? []), content(e)])
      return [...streams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    }
    assert.equal(byStream(copy), byStream(log))

    // Into EventStoreDB again: nothing new is written.
    const again = (await cliBackground(['--data-dir', source, 'copy', '--json', '--to', double.url])) as Record<
      string,
      unknown
    >
    assert.equal([again['read'], again['copied']], [0, 0])
    assert.is(double.log.all.filter((e) => !e.stream.startsWith('$')).length, log.length)
  } finally {
    await double.stop()
  }
})

test.run()
