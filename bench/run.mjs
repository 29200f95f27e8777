#!/usr/bin/env node
/**
 * `npm run bench`: every benchmark at 1,000,000 simulated notifications, side by side with the peer (Emmett),
 * printed and appended to BENCHMARKS.md. `npm run bench -- --size 10000000`: the log-size benchmarks at 1,000,000
 * and then at 10,000,000 in the same run, side by side, and the soak on the 10M log. `node bench/run.mjs --help`
 * for the options (smaller or partial runs).
 *
 * Benchmarks run one after another, each in its own process (bench/workers/*), never two at once: on a small
 * machine two heavy runs would measure each other.
 */
import os from 'node:os'
import path from 'node:path'
import { PER_SIZE, parseArgs, USAGE } from './lib/args.mjs'
import { ensureDataset } from './lib/dataset.mjs'
import { ESDB_DOUBLE_NOTE, esdbTargets } from './lib/figures-esdb.mjs'
import { sizeRows } from './lib/figures.mjs'
import { sharedRows } from './lib/figures-server.mjs'
import { describeMachine, machine } from './lib/machine.mjs'
import { importInto, markSoaked, runSize, storeDirFor, storeImported } from './lib/per-size.mjs'
import { appendRun, renderRun, textTable } from './lib/report.mjs'
import { sideBySide } from './lib/side-by-side.mjs'
import { sizeTargets } from './lib/targets.mjs'
import { sharedTargets } from './lib/targets-server.mjs'
import { runWorker } from './lib/worker.mjs'
import { ensurePeer } from './peer/install.mjs'

let options
try {
  options = parseArgs(process.argv.slice(2))
} catch (e) {
  process.stderr.write(`bench: ${e.message}\n${USAGE}\n`)
  process.exit(2)
}
if (options.help) {
  console.log(USAGE)
  process.exit(0)
}

const log = (text) => process.stderr.write(`${text}\n`)
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')
const started = performance.now()
const m = machine()
const loadAtStart = loadAverage()
const only = new Set(options.only)
const { sizes } = options
const largest = sizes[sizes.length - 1]
const sizeText = sizes.map((s) => s.toLocaleString('en-US')).join(' then ')
log(`bench: ${sizeText} notifications; ${[...only].join(', ')}`)
log(`bench: ${describeMachine(m)}`)

const datasets = {}
const dataset = async (size) => {
  if (datasets[size] !== undefined) return datasets[size]
  const d = await ensureDataset(options.work, size, log)
  log(
    `bench: dataset ${d.file} (${(d.bytes / 2 ** 20).toFixed(0)} MB${d.generated ? `, generated in ${d.seconds.toFixed(0)} s` : ', reused'})`
  )
  datasets[size] = d
  return d
}

// The log-size benchmarks, smallest size first, then the ones that run once.
const bySize = {}
const perSize = PER_SIZE.filter((b) => only.has(b))
for (const size of sizes) {
  if (perSize.length === 0) break
  bySize[size] = await runSize({
    size,
    dataset: await dataset(size),
    work: options.work,
    only,
    querySeconds: options.querySeconds,
    sequential: size === sizes[0],
    log
  })
}

const shared = {}
const step = async (name, run) => {
  log(`\n== ${name}`)
  shared[name] = await run()
  if (!shared[name].ok) log(`bench: ${name}: ${shared[name].reason}`)
}
// The webhook and the peer take the first notifications of the file: the smallest size's file has them.
if (only.has('webhook')) {
  const d = await dataset(sizes[0])
  const pool = Math.min(sizes[0], 200_000)
  const dir = path.join(options.work, 'webhook-store')
  await step('webhook', () =>
    runWorker('webhook', [d.file, dir, pool, options.webhookSeconds, options.webhookConnections])
  )
}
if (only.has('feed')) {
  const args = [
    path.join(options.work, 'feed-store'),
    options.feedClients,
    options.feedCalls,
    options.feedRate,
    options.feedSeconds
  ]
  await step('feed', () => runWorker('feed', args))
}
if (only.has('peer')) {
  await step('peer', async () => {
    log('bench: installing the peer into bench/.peer (once; sqlite3 builds from source)')
    const installed = await ensurePeer(log)
    if (!installed.ok) return { ok: false, reason: `the peer could not be installed: ${installed.reason}` }
    const d = await dataset(sizes[0])
    return runWorker('peer', [d.file, options.peerSize, options.peerSeconds, path.join(options.work, 'peer.db')])
  })
}
// Against the EventStoreDB test double, run as a process with each delay per call in turn.
if (only.has('esdb')) {
  const d = await dataset(sizes[0])
  const config = {
    esdbSize: options.esdbSize,
    esdbDelays: options.esdbDelays,
    esdbWebhookSeconds: options.esdbWebhookSeconds,
    esdbWebhookConnections: options.esdbWebhookConnections,
    esdbStepMinutes: options.esdbStepMinutes
  }
  await step('esdb', () =>
    runWorker('esdb', [d.file, sizes[0], path.join(options.work, 'esdb'), JSON.stringify(config)])
  )
}
// Last: it appends to the largest size's log (the marker then says so: a later rebuild or queries imports again).
if (only.has('soak')) {
  const storeDir = storeDirFor(options.work, largest)
  await step('soak', async () => {
    if (!storeImported(storeDir, largest)) {
      log(`bench: importing ${largest.toLocaleString('en-US')} notifications for the soak`)
      const imported = await importInto(await dataset(largest), storeDir, largest)
      if (!imported.ok) return { ok: false, reason: `no imported store to soak on: ${imported.reason}` }
    }
    const config = { seconds: options.soakSeconds, rate: options.soakRate, sampleSeconds: options.soakSampleSeconds }
    const r = await runWorker('soak', [storeDir, JSON.stringify(config)])
    markSoaked(storeDir, largest)
    return r
  })
}
const elapsedSeconds = (performance.now() - started) / 1000

const smallestImport = bySize[sizes[0]]?.import?.ok ? bySize[sizes[0]].import.result : undefined
const rowsBySize = Object.fromEntries(
  Object.entries(bySize).map(([size, results]) => [size, sizeRows(results, datasets[size]?.bytes ?? 0)])
)
const many = sizes.length > 1 && perSize.length > 0
const table = many ? sideBySide(sizes, rowsBySize) : undefined
const figures = [...(many ? [] : (rowsBySize[sizes[0]] ?? [])), ...sharedRows(shared, smallestImport)]
const targets = [
  ...sizeTargets({
    sizes,
    bySize,
    datasetBytes: Object.fromEntries(Object.entries(datasets).map(([s, d]) => [s, d.bytes]))
  }),
  ...sharedTargets({ shared, imp: smallestImport, elapsedSeconds, sizes }),
  ...(only.has('esdb') ? esdbTargets(shared.esdb, options.esdbDelays) : [])
]
const notes = [
  `Load average (1/5/15 min) at start ${loadAtStart}, at end ${loadAverage()}: this machine's cores are shared with ` +
    "other engineers' test runs, so figures may be lower than on an idle machine.",
  `The whole run took ${(elapsedSeconds / 60).toFixed(1)} min.`,
  'Import runs as `callstate import --exclusive` (loading history into a fresh store: a rollback journal, each page ' +
    'written once, durability `normal`: a re-run restores what a power loss rolls back); at the first size it runs ' +
    'again in shared mode (a plain `callstate import`, WAL, beside other processes). The webhook and the soak run at ' +
    '`full` (fsync before every 200).',
  ...(only.has('queries')
    ? [
        '"Now" for the queries is the last notification\'s time. The simulated centre has ~900 calls a day, so ' +
          '"one day" of the issue\'s 10,000-calls-a-day centre is measured as windows holding ~10,000 calls; the ' +
          "stats and export targets are judged on those. `--known-at` instants span the import (an imported log's " +
          "notifications are received when imported). Queries are timed in-process, without the CLI's catch-up."
      ]
    : []),
  ...(only.has('webhook')
    ? [
        `Webhook load: autocannon in the bench process, ${options.webhookConnections} connections, ${options.webhookSeconds} s, ` +
          'on the same 2 cores as the server.'
      ]
    : []),
  ...(only.has('esdb')
    ? [
        `${ESDB_DOUBLE_NOTE} Delays ${options.esdbDelays.join(', ')} ms; per delay a fresh double: the import, then two ` +
          `serve nodes under autocannon (${options.esdbWebhookConnections} connections, ${options.esdbWebhookSeconds} s), ` +
          `then a rebuild from the whole log; each step stopped after ${options.esdbStepMinutes} min.`
      ]
    : []),
  ...(only.has('soak')
    ? [
        `Soak: callstate serve on the ${largest.toLocaleString('en-US')}-notification log, ${options.soakRate} fresh ` +
          `notifications/s (times moved to now) for ${(options.soakSeconds / 60).toFixed(1)} min, RSS sampled every ` +
          `${options.soakSampleSeconds} s. The issue asks for 60 min: \`node bench/run.mjs --size ${largest} --only soak --soak-minutes 60\` ` +
          '(reuses the imported log).'
      ]
    : []),
  ...(only.has('feed')
    ? [
        `Feed load: ${options.feedClients} GET /feed clients (node:http, in the bench process) and the board in headless ` +
          `Chromium, ${options.feedCalls} calls in progress, ${options.feedRate} notifications/s for ${options.feedSeconds} s, ` +
          'all on the same cores as the server. The feed targets are stated for 200 clients.'
      ]
    : []),
  ...(perSize.length > 0 && !sizes.includes(1_000_000)
    ? [
        `Targets are stated for 1,000,000 and 10,000,000 notifications; this run used ${sizes.map((s) => s.toLocaleString('en-US')).join(' and ')}.`
      ]
    : [])
]

if (table !== undefined) {
  console.log(`\nAt each log size (${describeMachine(m)})\n`)
  console.log(textTable(table.head, table.rows))
}
if (figures.length > 0) {
  console.log(`\nFigures (${sizeText} notifications, ${describeMachine(m)})\n`)
  console.log(
    textTable(
      ['benchmark', 'figure', 'value'],
      figures.map((f) => [f.benchmark, f.figure, f.value])
    )
  )
}
console.log('\nTargets\n')
console.log(
  textTable(
    ['target', 'figure', 'result'],
    targets.map((t) => [t.target, t.figure, t.status])
  )
)

const command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim()
appendRun(
  options.out,
  renderRun({ machine: m, command, sizes, peerSize: options.peerSize, notes, bySize: table, figures, targets })
)
console.log(`\nAppended to ${options.out}`)

// A benchmark that crashed is a failure of the run; a peer that could not be installed is reported, not fatal.
const all = [...Object.values(bySize).flatMap((r) => Object.entries(r)), ...Object.entries(shared)]
const crashed = all.filter(([name, r]) => !r.ok && !(name === 'peer' && /could not be installed/.test(r.reason)))
process.exit(crashed.length > 0 ? 1 : 0)
