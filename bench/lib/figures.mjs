/** The figures of each benchmark as rows {benchmark, figure, value}: printed, and written to BENCHMARKS.md. */
import { fmtInt, fmtMb, fmtMs, fmtRatio } from './stats.mjs'

const writes = (bytes, n) =>
  bytes === undefined ? 'n/a' : `${fmtMb(bytes)} (${fmtInt(bytes / Math.max(1, n))} bytes per event)`

const rssTrail = (samples) => samples.map((s) => `${s.at}%: ${fmtMb(s.rss)}`).join(', ')

const decodeRows = (r) => [
  ['JSON.parse alone', `${fmtInt(r.parse.perSecond)} lines/s (${r.parse.seconds.toFixed(1)} s)`],
  [
    'JSON.parse + decode',
    `${fmtInt(r.parseDecode.perSecond)} lines/s (${r.parseDecode.seconds.toFixed(1)} s, ${r.parseDecode.failures} failed)`
  ]
]

const importRows = (r, decode) => [
  ['notifications/s', `${fmtInt(r.perSecond)}/s`],
  [
    'notifications',
    `${fmtInt(r.notifications)} in ${r.seconds.toFixed(1)} s (appended ${fmtInt(r.appended)}, duplicates ${r.duplicates}, quarantined ${r.quarantined})`
  ],
  ['peak RSS', fmtMb(r.peakRss)],
  ['RSS as the log grows', rssTrail(r.rssSamples)],
  ['disk writes', writes(r.diskWriteBytes, r.notifications)],
  ...(decode
    ? [
        ['JSON.parse alone / import', fmtRatio(decode.parse.perSecond / r.perSecond)],
        ['JSON.parse + decode / import', fmtRatio(decode.parseDecode.perSecond / r.perSecond)]
      ]
    : [])
]

const rebuildRows = (r) => [
  ['events/s', `${fmtInt(r.perSecond)}/s with ${r.workers} worker threads`],
  ['events', `${fmtInt(r.events)} in ${r.seconds.toFixed(1)} s (undecodable ${r.undecodable})`],
  [
    'replay / digest',
    r.workers > 1
      ? `replay, swap and digest (taken during the swap) ${r.replaySeconds.toFixed(1)} s, then ${r.digestSeconds.toFixed(1)} s to report`
      : `replay ${r.replaySeconds.toFixed(1)} s (${fmtInt(r.events / r.replaySeconds)} events/s), digest of the read models ${r.digestSeconds.toFixed(1)} s`
  ],
  ['peak RSS', fmtMb(r.peakRss)],
  ['RSS as the replay advances', rssTrail(r.rssSamples)],
  ['disk writes', writes(r.diskWriteBytes, r.events)],
  ...(r.sequential
    ? [
        [
          'sequential (--workers 1)',
          `${fmtInt(r.sequential.perSecond)}/s, ${r.sequential.seconds.toFixed(1)} s, peak RSS ${fmtMb(r.sequential.peakRss)}, ` +
            `same digest: ${r.sequential.digest === r.digest ? 'yes' : 'NO'}`
        ]
      ]
    : [])
]

const latency = (x) =>
  `p50 ${fmtMs(x.p50)} ms, p99 ${fmtMs(x.p99)} ms (n=${x.n}${x.items !== undefined ? `, ${x.items} calls` : ''})`

const queryRows = (r) => [
  ['sessions in the read model', fmtInt(r.sessions)],
  ['session, in-process', latency(r.inProcess.session)],
  ['active calls (now), in-process', latency(r.inProcess.activeNow)],
  ['active calls (at), in-process', latency(r.inProcess.activeAt)],
  ['session, HTTP', latency(r.overHttp.session)],
  ['active calls (at), HTTP', latency(r.overHttp.activeAt)]
]

const webhookRows = (r) => [
  [
    'durable notifications/s',
    `${fmtInt(r.perSecond)}/s (${fmtInt(r.acknowledged)} answered 200 in ${r.seconds.toFixed(1)} s)`
  ],
  ['latency', `p50 ${fmtMs(r.p50)} ms, p99 ${fmtMs(r.p99)} ms`],
  [
    'load',
    `${r.connections} connections, ${fmtInt(r.distinctBodies)} distinct bodies${r.bodiesReused > 0 ? `, ${fmtInt(r.bodiesReused)} reused` : ''}`
  ],
  [
    'answers',
    `${Object.entries(r.statuses)
      .map(([s, n]) => `${s}: ${fmtInt(n)}`)
      .join(', ')}; errors ${r.errors}, timeouts ${r.timeouts}`
  ],
  // A reused body is a duplicate (answered 200, stored once), so the log must hold at least the first-time 200s.
  [
    'events in the log afterwards',
    `${fmtInt(r.logEvents)} (every first-time 200 stored: ${r.logEvents >= r.acknowledged - r.bodiesReused ? 'yes' : 'NO'})`
  ],
  ['server peak RSS', fmtMb(r.serverPeakRss)]
]

const peerRows = (r, imp) => [
  ['peer', r.peer],
  [
    'notifications/s',
    `${fmtInt(r.perSecond)}/s (${fmtInt(r.notifications)} in ${r.seconds.toFixed(1)} s, ${fmtInt(r.streams)} streams)`
  ],
  ['active calls at the end (peer projection)', fmtInt(r.activeCalls)],
  ['appends retried after SQLITE_BUSY', fmtInt(r.busyRetries)],
  ['peak RSS', fmtMb(r.peakRss)],
  ...(imp ? [['callstate import / peer', fmtRatio(imp.perSecond / r.perSecond)]] : [])
]

export const figureRows = (results) => {
  const rows = []
  const add = (benchmark, entry, f) => {
    if (entry === undefined) return
    if (!entry.ok) rows.push({ benchmark, figure: 'not measured', value: entry.reason })
    else for (const [figure, value] of f(entry.result)) rows.push({ benchmark, figure, value })
  }
  const ok = (name) => (results[name]?.ok ? results[name].result : undefined)
  add('decode limit', results.decode, decodeRows)
  add('import', results.import, (r) => importRows(r, ok('decode')))
  add('rebuild', results.rebuild, rebuildRows)
  add('queries', results.queries, queryRows)
  add('webhook', results.webhook, webhookRows)
  add('peer', results.peer, (r) => peerRows(r, ok('import')))
  return rows
}
