/**
 * The figures of the benchmarks that run once per run, whatever the log sizes (webhook, feed, peer, esdb, soak), as
 * rows {benchmark, figure, value}.
 */
import { esdbRows } from './figures-esdb.mjs'
import { fmtInt, fmtMb, fmtMs, fmtRatio, mb } from './stats.mjs'
import { GROWTH_LIMIT, boardGrowing, soakVerdict } from './targets-server.mjs'

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

const soakRows = (r) => {
  const v = soakVerdict(r)
  return [
    [
      'load',
      `${fmtInt(r.perSecond)} notifications/s answered 200 (${fmtInt(r.acknowledged)} of ${fmtInt(r.sent)} sent at ` +
        `${r.rate}/s for ${(r.seconds / 60).toFixed(1)} min; answers ${Object.entries(r.statuses)
          .map(([s, n]) => `${s}: ${fmtInt(n)}`)
          .join(', ')}; errors ${r.errors})`
    ],
    [
      'log',
      `${fmtInt(r.headBefore ?? 0)} events at the start, ${fmtInt(r.headAfter ?? 0)} at the end; serve listening ` +
        `after ${r.startupSeconds.toFixed(1)} s`
    ],
    [
      `server RSS every ${r.sampleSeconds >= 60 ? `${r.sampleSeconds / 60} min` : `${r.sampleSeconds} s`}`,
      r.series.map((s) => `${s.minute}: ${s.rss === undefined ? 'n/a' : mb(s.rss).toFixed(0)}`).join(', ') +
        ' (min: MB)'
    ],
    [
      'server RSS trend',
      `highest ${fmtMb(v.firstMax)} in the first third of the load, ${fmtMb(v.lastMax)} in the last ` +
        `(${fmtRatio(v.growth)}: ${v.flat ? 'flat' : 'grew'}, limit ${GROWTH_LIMIT}x)`
    ],
    ['server peak RSS', fmtMb(r.serverPeakRss)],
    [
      'latency per sample period (p99)',
      r.series
        .slice(1)
        .map((s) => fmtMs(s.p99))
        .join(', ') + ' ms'
    ]
  ]
}

/** `imp`: the import figures the peer is compared with (the same notifications, the smallest size's import). */
export const sharedRows = (results, imp) => {
  const rows = []
  const add = (benchmark, entry, f) => {
    if (entry === undefined) return
    if (!entry.ok) rows.push({ benchmark, figure: 'not measured', value: entry.reason })
    else for (const [figure, value] of f(entry.result)) rows.push({ benchmark, figure, value })
  }
  add('webhook', results.webhook, webhookRows)
  add('feed', results.feed, feedRows)
  add('peer', results.peer, (r) => peerRows(r, imp))
  add('esdb', results.esdb, esdbRows)
  add('soak', results.soak, soakRows)
  return rows
}
