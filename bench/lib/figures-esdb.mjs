/**
 * The EventStoreDB section's figures (rows {benchmark, figure, value}, one group per delay) and its targets, from
 * the result of bench/lib/esdb-bench.mjs. The issue states no rates for it; its targets are the properties the issue
 * asks of the adapter under latency: the import finishes at the largest delay, the two nodes converge, and every
 * acknowledged notification is in the log.
 */
import { judge, notRun } from './targets.mjs'
import { fmtInt, fmtMb, fmtMs } from './stats.mjs'

export const ESDB_DOUBLE_NOTE =
  'EventStoreDB figures are measured against the in-memory TEST DOUBLE of an EventStoreDB node ' +
  '(tests/test/doubles/esdb-grpc-double.ts, run as its own process on the same cores, the real client protocol, a ' +
  "delay added to every call): they measure callstate's adapter under latency, not EventStoreDB."

const seconds = (s) => `${s.toFixed(1)} s`
const statusText = (statuses) =>
  Object.entries(statuses)
    .map(([s, n]) => `${s}: ${fmtInt(n)}`)
    .join(', ')

/** Events the log must hold at least: what the import stored and what the webhook acknowledged first-time. */
export const expectedEvents = (run) => {
  const wh = run.nodes?.webhook
  if (!run.import?.ok || !wh?.ok) return undefined
  const i = run.import.result
  return i.appended + i.quarantined + wh.result.acknowledged - wh.result.bodiesReused
}

const part = (rows, figure, entry, text) => {
  if (entry === undefined) return
  rows.push([figure, entry.ok ? text(entry.result) : `not measured: ${entry.reason}`])
}

const delayRows = (run) => {
  const at = `${run.delayMs} ms/call`
  if (run.failed !== undefined) return [[`${at}: not measured`, run.failed]]
  const rows = []
  part(
    rows,
    `${at}: import (callstate import --esdb)`,
    run.import,
    (r) =>
      `${fmtInt(r.perSecond)}/s (${fmtInt(r.notifications)} notifications in ${seconds(r.seconds)}, start-up ` +
      `included: appended ${fmtInt(r.appended)}, duplicates ${fmtInt(r.duplicates)}, quarantined ${fmtInt(r.quarantined)})`
  )
  const nodes = run.nodes ?? {}
  if (nodes.failed !== undefined) rows.push([`${at}: two serve nodes`, `not measured: ${nodes.failed}`])
  part(rows, `${at}: serve catch-up (two nodes at once)`, nodes.catchUp, (r) => {
    const slowest = Math.max(...r.seconds)
    return (
      `${fmtInt(r.events / Math.max(slowest, 1e-3))} events/s per node (${fmtInt(r.events)} events: ` +
      `${r.seconds.map(seconds).join(' and ')} after listening)`
    )
  })
  part(
    rows,
    `${at}: webhook durable acks/s through two nodes`,
    nodes.webhook,
    (r) =>
      `${fmtInt(r.perSecond)}/s (${fmtInt(r.acknowledged)} answered 200 in ${seconds(r.seconds)}: ` +
      `${r.perNode.map((n) => fmtInt(n.acknowledged)).join(' + ')})`
  )
  part(
    rows,
    `${at}: webhook latency and answers`,
    nodes.webhook,
    (r) =>
      `p50 ${fmtMs(r.p50)} ms, p99 ${fmtMs(r.p99)} ms; ${statusText(r.statuses)}; errors ${r.errors}, timeouts ` +
      `${r.timeouts}; ${r.connections} connections, ${fmtInt(r.distinctBodies)} distinct bodies` +
      `${r.bodiesReused > 0 ? `, ${fmtInt(r.bodiesReused)} reused` : ''}`
  )
  part(
    rows,
    `${at}: nodes converged after the load`,
    nodes.converged,
    (r) => `yes, ${seconds(r.seconds)} after it (both at position ${fmtInt(r.position)})`
  )
  const expected = expectedEvents(run)
  part(rows, `${at}: catch-up (callstate rebuild --esdb, whole log)`, run.catchUp, (r) => {
    const stored =
      expected === undefined ? 'n/a' : r.events >= expected ? 'yes' : `NO: ${fmtInt(expected)} expected at least`
    return (
      `${fmtInt(r.perSecond)} events/s (${fmtInt(r.events)} events in ${(r.ms / 1000).toFixed(1)} s; every ` +
      `acknowledged notification in the log: ${stored})`
    )
  })
  if (nodes.serverPeakRss !== undefined)
    rows.push([`${at}: serve peak RSS`, nodes.serverPeakRss.map((b) => fmtMb(b)).join(' and ')])
  if (run.doubleCpuSeconds !== undefined)
    rows.push([`${at}: CPU used by the double`, `${run.doubleCpuSeconds.toFixed(1)} s (on the same cores)`])
  return rows
}

export const esdbRows = (r) => {
  const env = Object.entries(r.environment)
  return [
    ['what', 'the adapter against the in-memory TEST DOUBLE, not EventStoreDB (see the note)'],
    [
      'sizes',
      `import ${fmtInt(r.importCount)} notifications per delay; webhook bodies: the next ${fmtInt(r.pool)} lines; ` +
        `${env.length === 0 ? 'adapter defaults' : env.map(([k, v]) => `${k}=${v}`).join(', ')}`
    ],
    ...r.delays.flatMap(delayRows)
  ]
}

export const esdbTargets = (entry, delays) => {
  const largest = Math.max(...delays)
  const finishes = `esdb: the import finishes at ${largest} ms per call`
  const converge = 'esdb: two serve nodes converge after the webhook load (every delay)'
  const stored = 'esdb: every acknowledged notification is in the log (every delay)'
  if (!entry?.ok) return [notRun(finishes), notRun(converge), notRun(stored)]
  const runs = entry.result.delays
  const slow = runs.find((r) => r.delayMs === largest)
  const converged = runs.filter((r) => r.nodes?.converged?.ok).length
  const checked = runs.map((r) => [expectedEvents(r), r.catchUp?.ok ? r.catchUp.result.events : undefined])
  const judged = checked.filter(([e, n]) => e !== undefined && n !== undefined)
  return [
    slow?.import?.ok
      ? {
          target: finishes,
          figure: `${fmtInt(slow.import.result.notifications)} in ${seconds(slow.import.result.seconds)}`,
          status: 'met'
        }
      : { target: finishes, figure: slow?.import?.reason ?? slow?.failed ?? 'n/a', status: judge(false) },
    { target: converge, figure: `${converged} of ${runs.length}`, status: judge(converged === runs.length) },
    judged.length === 0
      ? notRun(stored)
      : {
          target: stored,
          figure: `${judged.filter(([e, n]) => n >= e).length} of ${runs.length} delays checked`,
          status: judge(judged.length === runs.length && judged.every(([e, n]) => n >= e))
        }
  ]
}
