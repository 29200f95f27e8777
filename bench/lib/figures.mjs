/**
 * The figures of the benchmarks measured at each log size (decode, import, rebuild, queries, disk), as rows
 * {benchmark, figure, value, cost?}: printed, and written to BENCHMARKS.md. `cost` is what the growth column
 * compares between two sizes when a run measures two (higher is worse): the time per event, a latency, memory,
 * bytes per notification; `per` says which.
 */
import { perNotification } from './disk.mjs'
import { fmtInt, fmtMb, fmtMs, fmtRatio } from './stats.mjs'

const rssTrail = (samples) => samples.map((s) => `${s.at}%: ${fmtMb(s.rss)}`).join(', ')
const perEvent = (rate) => ({ cost: rate > 0 ? 1 / rate : undefined, per: 'per event' })
const memory = (bytes) => ({ cost: bytes, per: 'memory' })
const fmtGb = (bytes) => `${(bytes / 1e9).toFixed(1)} GB`

const decodeRows = (r) => [
  [
    'JSON.parse alone',
    `${fmtInt(r.parse.perSecond)} lines/s (${r.parse.seconds.toFixed(1)} s)`,
    perEvent(r.parse.perSecond)
  ],
  [
    'JSON.parse + decode',
    `${fmtInt(r.parseDecode.perSecond)} lines/s (${r.parseDecode.seconds.toFixed(1)} s, ${r.parseDecode.failures} failed)`,
    perEvent(r.parseDecode.perSecond)
  ]
]

/** Bytes the import wrote per notification, and that over the notification's mean size in the file. */
export const importWrites = (imp, datasetBytes) => {
  if (imp.diskWriteBytes === undefined) return undefined
  const perNotificationBytes = imp.diskWriteBytes / Math.max(1, imp.notifications)
  const size = datasetBytes / Math.max(1, imp.notifications)
  return { perNotificationBytes, size, ratio: perNotificationBytes / size }
}

const importRows = (r, decode, datasetBytes) => {
  const w = importWrites(r, datasetBytes)
  return [
    ['notifications/s', `${fmtInt(r.perSecond)}/s`, perEvent(r.perSecond)],
    [
      'notifications',
      `${fmtInt(r.notifications)} in ${r.seconds.toFixed(1)} s (appended ${fmtInt(r.appended)}, duplicates ${r.duplicates}, quarantined ${r.quarantined})`
    ],
    ['peak RSS', fmtMb(r.peakRss), memory(r.peakRss)],
    ['RSS as the log grows', rssTrail(r.rssSamples)],
    w === undefined
      ? ['disk writes', 'n/a']
      : [
          'disk writes',
          `${fmtMb(r.diskWriteBytes)} (${fmtInt(w.perNotificationBytes)} bytes per notification, ` +
            `${fmtRatio(w.ratio)} its mean size in the file, ${fmtInt(w.size)} bytes)`,
          { cost: w.perNotificationBytes, per: 'per notification' }
        ],
    ...(r.shared
      ? [
          [
            'shared mode (a plain import, WAL)',
            `${fmtInt(r.shared.perSecond)}/s, ${fmtMb(r.shared.diskWriteBytes)} written ` +
              `(${fmtInt(importWrites(r.shared, datasetBytes)?.perNotificationBytes ?? 0)} bytes per notification, ` +
              `${fmtRatio(importWrites(r.shared, datasetBytes)?.ratio ?? 0)} its size), peak RSS ${fmtMb(r.shared.peakRss)}`
          ]
        ]
      : []),
    ...(decode
      ? [
          ['JSON.parse alone / import', fmtRatio(decode.parse.perSecond / r.perSecond)],
          ['JSON.parse + decode / import', fmtRatio(decode.parseDecode.perSecond / r.perSecond)]
        ]
      : [])
  ]
}

const rebuildRows = (r) => [
  ['events/s', `${fmtInt(r.perSecond)}/s with ${r.workers} worker threads`, perEvent(r.perSecond)],
  ['events', `${fmtInt(r.events)} in ${r.seconds.toFixed(1)} s (undecodable ${r.undecodable})`],
  [
    'replay / digest',
    r.workers > 1
      ? `replay, swap and digest (taken during the swap) ${r.replaySeconds.toFixed(1)} s, then ${r.digestSeconds.toFixed(1)} s to report`
      : `replay ${r.replaySeconds.toFixed(1)} s (${fmtInt(r.events / r.replaySeconds)} events/s), digest of the read models ${r.digestSeconds.toFixed(1)} s`
  ],
  ['peak RSS', fmtMb(r.peakRss), memory(r.peakRss)],
  ['RSS as the replay advances', rssTrail(r.rssSamples)],
  [
    'disk writes',
    r.diskWriteBytes === undefined
      ? 'n/a'
      : `${fmtMb(r.diskWriteBytes)} (${fmtInt(r.diskWriteBytes / Math.max(1, r.events))} bytes per event)`,
    { cost: r.diskWriteBytes === undefined ? undefined : r.diskWriteBytes / Math.max(1, r.events), per: 'per event' }
  ],
  r.sequential
    ? [
        'sequential (--workers 1)',
        `${fmtInt(r.sequential.perSecond)}/s, ${r.sequential.seconds.toFixed(1)} s, peak RSS ${fmtMb(r.sequential.peakRss)}, ` +
          `same digest: ${r.sequential.digest === r.digest ? 'yes' : 'NO'}`,
        perEvent(r.sequential.perSecond)
      ]
    : ['sequential (--workers 1)', 'compared at the smallest size only']
]

const latency = (x, extra = '') => [
  `p50 ${fmtMs(x.p50)} ms, p99 ${fmtMs(x.p99)} ms, max ${fmtMs(x.max)} ms (n=${x.n}${extra})`,
  { cost: x.p50, per: 'p50' }
]
const calls = (x) => (x.items !== undefined ? `, ${x.items} calls` : '')

const queryRows = (r) => {
  const a = r.analytics
  const rate = (x) => [
    `${fmtInt(x.callsPerSecond)} calls/s (${fmtInt(x.recordsPerSecond)} records/s), ~${fmtInt(x.callsPerRange)} calls ` +
      `per range; p50 ${fmtMs(x.p50)} ms, max ${fmtMs(x.max)} ms (n=${x.n})`,
    { cost: x.callsPerSecond > 0 ? 1 / x.callsPerSecond : undefined, per: 'per call' }
  ]
  return [
    ['sessions in the read model', fmtInt(r.sessions)],
    ['session, in-process', ...latency(r.inProcess.session)],
    ['active calls (now), in-process', ...latency(r.inProcess.activeNow, calls(r.inProcess.activeNow))],
    ['active calls (at), in-process', ...latency(r.inProcess.activeAt, calls(r.inProcess.activeAt))],
    [
      'active calls at past instants, in-process',
      ...latency(r.inProcess.activePast, `, instants from ${r.first.slice(0, 10)} to ${r.now.slice(0, 10)}`)
    ],
    [
      'sessions --known-at, in-process',
      ...latency(r.inProcess.knownAt, ', instants from the first to the last notification received')
    ],
    ['stats, one simulated day', ...latency(a.statsDay, `, ~${fmtInt(a.statsDay.callsPerRange)} calls a day`)],
    [
      'stats, ~10,000 calls (a day of the 10,000-calls-a-day centre)',
      ...latency(
        a.statsWindow,
        `, ~${fmtInt(a.statsWindow.callsPerRange)} calls in ${a.windowHours.toFixed(0)} h windows`
      )
    ],
    ['export calls, one simulated day', ...rate(a.exportDay)],
    ['export calls, ~10,000 calls', ...rate(a.exportWindow)],
    ['session, HTTP', ...latency(r.overHttp.session)],
    ['active calls (at), HTTP', ...latency(r.overHttp.activeAt, calls(r.overHttp.activeAt))]
  ]
}

const diskRows = (d) => {
  const p = perNotification(d)
  return [
    [
      'log (events.db and its WAL)',
      `${fmtMb(d.logBytes)}: ${fmtInt(p.log)} bytes per notification, ${fmtRatio(p.logRatio)} its mean size in the ` +
        `file (${fmtInt(p.notificationBytes)} bytes)`,
      { cost: p.log, per: 'per notification' }
    ],
    [
      'read models (readmodels.db)',
      `${fmtMb(d.readModelBytes)}: ${fmtInt(p.readModels)} bytes per notification`,
      { cost: p.readModels, per: 'per notification' }
    ],
    ['files', d.files.map((f) => `${f.name} ${fmtMb(f.bytes)}`).join(', ')],
    [
      'disk per year, 10,000 calls a day (~150,000 notifications a day)',
      `log ${fmtGb(p.logYear)} + read models ${fmtGb(p.readModelsYear)}${p.other > 0 ? ' + other' : ''} = ` +
        `${fmtGb(p.totalYear)} a year (at the bytes per notification measured here)`
    ]
  ]
}

/** Rows of one size's results; `datasetBytes` is the size of that size's dataset file. */
export const sizeRows = (results, datasetBytes) => {
  const rows = []
  const add = (benchmark, entry, f) => {
    if (entry === undefined) return
    if (!entry.ok) rows.push({ benchmark, figure: 'not measured', value: entry.reason })
    else for (const [figure, value, cost] of f(entry.result)) rows.push({ benchmark, figure, value, ...(cost ?? {}) })
  }
  const decode = results.decode?.ok ? results.decode.result : undefined
  add('decode limit', results.decode, decodeRows)
  add('import', results.import, (r) => importRows(r, decode, datasetBytes))
  add('rebuild', results.rebuild, rebuildRows)
  add('queries', results.queries, queryRows)
  add('disk', results.disk, diskRows)
  return rows
}
