#!/usr/bin/env node
/**
 * `npm run bench`: every benchmark at 1,000,000 simulated notifications, side by side with the peer (Emmett),
 * printed and appended to BENCHMARKS.md. `node bench/run.mjs --help` for the options (smaller or partial runs).
 *
 * Benchmarks run one after another, each in its own process (bench/workers/*), never two at once: on a small
 * machine two heavy runs would measure each other.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs, USAGE } from './lib/args.mjs'
import { ensureDataset } from './lib/dataset.mjs'
import { figureRows } from './lib/figures.mjs'
import { lastTimestamp } from './lib/lines.mjs'
import { describeMachine, machine } from './lib/machine.mjs'
import { appendRun, renderRun, textTable } from './lib/report.mjs'
import { evaluateTargets } from './lib/targets.mjs'
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
const m = machine()
const loadAtStart = loadAverage()
const only = new Set(options.only)
log(`bench: ${options.size.toLocaleString('en-US')} notifications; ${[...only].join(', ')}`)
log(`bench: ${describeMachine(m)}`)

// The feed benchmark makes its own live calls: a run of it alone needs no dataset.
const needsDataset = [...only].some((b) => b !== 'feed')
const dataset = needsDataset ? await ensureDataset(options.work, options.size, log) : undefined
if (dataset !== undefined)
  log(
    `bench: dataset ${dataset.file} (${(dataset.bytes / 2 ** 20).toFixed(0)} MB${dataset.generated ? `, generated in ${dataset.seconds.toFixed(0)} s` : ', reused'})`
  )

const results = {}
const storeDir = path.join(options.work, `store-${options.size}`)
// Written once an import into storeDir completed: rebuild and queries reuse that store instead of importing again.
const marker = path.join(storeDir, 'bench-import-complete')
const storeReady = () => existsSync(marker) && readFileSync(marker, 'utf8').trim() === String(options.size)

const step = async (name, run) => {
  log(`\n== ${name}`)
  results[name] = await run()
  if (!results[name].ok) log(`bench: ${name}: ${results[name].reason}`)
}

if (only.has('decode')) await step('decode', () => runWorker('decode', [dataset.file]))
if (only.has('import') || ((only.has('rebuild') || only.has('queries')) && !storeReady())) {
  await step('import', () => runWorker('import', [dataset.file, storeDir, options.size]))
  if (results.import.ok) writeFileSync(marker, `${options.size}\n`)
}
const needsStore = (name) => () =>
  storeReady() ? undefined : { ok: false, reason: `no imported store to ${name} (the import failed)` }
// The default of `callstate rebuild` on this machine (one worker per core, at least 2 so that small runs use the
// parallel path too), then the sequential rebuild (--workers 1) on the same log for comparison.
const rebuildWorkers = Math.max(2, Math.min(4, os.availableParallelism()))
if (only.has('rebuild'))
  await step('rebuild', async () => {
    const missing = needsStore('rebuild')()
    if (missing !== undefined) return missing
    const parallel = await runWorker('rebuild', [storeDir, rebuildWorkers])
    if (!parallel.ok) return parallel
    log('bench: the same rebuild with --workers 1, for comparison')
    const sequential = await runWorker('rebuild', [storeDir, 1])
    return sequential.ok ? { ok: true, result: { ...parallel.result, sequential: sequential.result } } : sequential
  })
if (only.has('queries')) {
  const now = await lastTimestamp(dataset.file)
  const sessionSamples = Math.min(5000, Math.max(200, Math.floor(options.size / 100)))
  await step('queries', async () => needsStore('query')() ?? runWorker('queries', [storeDir, now, sessionSamples, 100]))
}
if (only.has('webhook')) {
  const pool = Math.min(options.size, 200_000)
  const args = [
    dataset.file,
    path.join(options.work, 'webhook-store'),
    pool,
    options.webhookSeconds,
    options.webhookConnections
  ]
  await step('webhook', () => runWorker('webhook', args))
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
    return runWorker('peer', [dataset.file, options.peerSize, options.peerSeconds, path.join(options.work, 'peer.db')])
  })
}

const figures = figureRows(results)
const targets = evaluateTargets(results)
const notes = [
  `Load average (1/5/15 min) at start ${loadAtStart}, at end ${loadAverage()}: this machine's cores are shared with ` +
    "other engineers' test runs, so figures may be lower than on an idle machine.",
  'Import runs at durability `normal` (as `callstate import`: a re-run restores what a power loss rolls back); ' +
    'the webhook at `full` (fsync before every 200).',
  ...(only.has('webhook')
    ? [
        `Webhook load: autocannon in the bench process, ${options.webhookConnections} connections, ${options.webhookSeconds} s, ` +
          'on the same 2 cores as the server.'
      ]
    : []),
  ...(only.has('feed')
    ? [
        `Feed load: ${options.feedClients} GET /feed clients (node:http, in the bench process) and the board in headless ` +
          `Chromium, ${options.feedCalls} calls in progress, ${options.feedRate} notifications/s for ${options.feedSeconds} s, ` +
          'all on the same cores as the server. The feed targets are stated for 200 clients.'
      ]
    : []),
  ...(needsDataset && options.size !== 1_000_000
    ? [`Targets are stated for 1,000,000 notifications; this run used ${options.size.toLocaleString('en-US')}.`]
    : [])
]

console.log(`\nFigures (${options.size.toLocaleString('en-US')} notifications, ${describeMachine(m)})\n`)
console.log(
  textTable(
    ['benchmark', 'figure', 'value'],
    figures.map((f) => [f.benchmark, f.figure, f.value])
  )
)
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
  renderRun({ machine: m, command, size: options.size, peerSize: options.peerSize, notes, figures, targets })
)
console.log(`\nAppended to ${options.out}`)

// A benchmark that crashed is a failure of the run; a peer that could not be installed is reported, not fatal.
const crashed = Object.entries(results).filter(
  ([name, r]) => !r.ok && !(name === 'peer' && /could not be installed/.test(r.reason))
)
process.exit(crashed.length > 0 ? 1 : 0)
