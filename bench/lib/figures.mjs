/** The figures of each benchmark as rows {benchmark, figure, value}: printed, and written to BENCHMARKS.md. */
import { fmtInt, fmtMb, fmtMs, fmtRatio, mb } from './stats.mjs'
import { GROWTH_LIMIT, boardGrowing } from './targets.mjs'

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

const fmtHeap = (bytes) => `${mb(bytes).toFixed(1)} MB`
/** A feed latency: null is a percentile that fell on an event not delivered before the drain ended. */
const fmtFeedMs = (ms) => (ms === null ? 'not delivered' : `${fmtMs(ms)} ms`)

const feedRows = (r) => {
  const start = r.rssSamples[0]?.rss
  const growth = start ? r.rssAtEnd / start : undefined
  const b = r.browser
  return [
    [
      'load',
      `${r.clients} clients, ${fmtInt(r.activeAtStart)} calls in progress (brought by ${fmtInt(r.warmup)} notifications), ` +
        `${fmtInt(r.sent)} notifications at ${r.rate}/s; ${fmtInt(r.activeAtEnd)} calls in progress at the end`
    ],
    [
      'notifications/s',
      `${fmtInt(r.perSecond)}/s (${fmtInt(r.acknowledged)} answered 200 in ${r.seconds.toFixed(1)} s; answers ` +
        `${Object.entries(r.statuses)
          .map(([s, n]) => `${s}: ${fmtInt(n)}`)
          .join(', ')})`
    ],
    [
      'delivery latency (200 answer -> event at a client)',
      `p50 ${fmtFeedMs(r.p50)}, p99 ${fmtFeedMs(r.p99)}, max ${fmtFeedMs(r.max)} (n=${fmtInt(r.deliveries)} delivered)`
    ],
    [
      'events missed',
      `${fmtInt(r.missed)} of ${fmtInt(r.events * r.clients)} (${fmtInt(r.events)} events x ${r.clients} clients; ` +
        `unexpected ${fmtInt(r.unexpected)}, streams cut ${r.clientsClosedEarly}; ${r.clientsDrained} clients had the ` +
        `last event ${r.drainSeconds.toFixed(1)} s after the load)`
    ],
    [
      'server RSS during the load',
      `${r.rssSamples.map((s) => `${s.at}%: ${s.rss === undefined ? 'n/a' : fmtMb(s.rss)}`).join(', ')}; ` +
        `after the drain ${fmtMb(r.rssAtEnd)} (${growth === undefined ? 'n/a' : `${fmtRatio(growth)}: ${growth > GROWTH_LIMIT ? 'grew' : 'bounded'}`})`
    ],
    ['server peak RSS', fmtMb(r.serverPeakRss)],
    ...(b.skipped !== undefined
      ? [['board', b.skipped]]
      : [
          [
            'board: events read by the page (200 answer -> page)',
            `p50 ${fmtMs(b.p50)} ms, p99 ${fmtMs(b.p99)} ms, max ${fmtMs(b.max)} ms (n=${fmtInt(b.events)} read)`
          ],
          [
            'board: lag behind the log',
            `largest ${fmtInt(b.maxLagPositions)} notifications / ${fmtMs(b.maxLagMs)} ms over ${b.probes} probes; mean ` +
              `${fmtMs(b.firstThirdLagMs)} ms first third, ${fmtMs(b.lastThirdLagMs)} ms last third ` +
              `(growing: ${boardGrowing(b) ? 'YES' : 'no'}); has the last event: ${b.caughtUp ? 'yes' : 'NO'}; ` +
              `a feed client's largest lag ${fmtMs(b.maxClientLagMs)} ms`
          ],
          [
            'board: live rows vs GET /calls/active',
            `largest difference ${fmtInt(b.maxRowDiff)} (${fmtInt(b.rowsAtStart)} rows at the start)`
          ],
          ['board: JS heap after GC', `start ${fmtHeap(b.heapAtStart)}, end ${fmtHeap(b.heapAtEnd)}`]
        ])
  ]
}

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
  add('feed', results.feed, feedRows)
  add('peer', results.peer, (r) => peerRows(r, ok('import')))
  return rows
}
