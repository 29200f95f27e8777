/**
 * The webhook load: autocannon POSTs distinct bodies, taken in order from `pool` (so the server appends instead of
 * answering "duplicate"), to `/webhook` of one or several servers, one request per connection at a time (as
 * RingCentral delivers: no HTTP pipelining). The connections are split between the servers (the first gets the odd
 * one). Figures: requests and statuses, acknowledged (200) per second, p50/p99 latency, per server.
 */
import autocannon from 'autocannon'
import { percentile } from './stats.mjs'

/** `urls`: the servers' base URLs. */
export const webhookLoad = (urls, pool, seconds, connections) =>
  new Promise((resolve, reject) => {
    let next = 0
    const latencies = []
    const statuses = {}
    const perNode = urls.map(() => ({ acknowledged: 0, requests: 0 }))
    const runs = urls.map((url, i) => {
      const instance = autocannon({
        url: `${url}/webhook`,
        connections: Math.max(1, Math.ceil((connections - i) / urls.length)),
        duration: seconds,
        pipelining: 1,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: pool[next++ % pool.length] })
          }
        ]
      })
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
        perNode[i].requests++
        if (statusCode === 200) perNode[i].acknowledged++
        latencies.push(responseTime)
      })
      return new Promise((done, fail) => instance.on('done', done).on('error', fail))
    })
    Promise.all(runs).then((results) => {
      const acknowledged = statuses[200] ?? 0
      const duration = Math.max(...results.map((r) => r.duration || seconds))
      resolve({
        connections,
        seconds: duration,
        requests: latencies.length,
        statuses,
        errors: results.reduce((n, r) => n + r.errors, 0),
        timeouts: results.reduce((n, r) => n + r.timeouts, 0),
        acknowledged,
        perSecond: acknowledged / duration,
        perNode,
        distinctBodies: Math.min(pool.length, next),
        bodiesReused: Math.max(0, next - pool.length),
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99)
      })
    }, reject)
  })
