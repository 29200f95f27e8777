/**
 * Campaign `clients`: slow, idle and stuck clients against the real `callstate serve` (a child process, so its
 * memory is its own). The promises: a slow-header or slow-body client is closed after a bounded time while others
 * are served; `size` idle /feed clients cost bounded memory and all get the next event; a /feed client that stops
 * reading is dropped instead of buffered for without limit (and can resume); a body over the limit gets a clean
 * 413 even while the client is still sending (no reset). lost = webhook POSTs answered 200 missing from the log.
 */
import net from 'node:net'
import path from 'node:path'
import { CLIENT_LIMITS, type ClientLimits } from '@callstate/http'
import type { Campaign, CampaignContext, CampaignResult } from '../campaign.js'
import { spawnServe, type ServeChild } from '../serve-child.js'
import { logOf, post, syntheticNotifications } from '../../test/serve-helpers.js'

const SLOW_CLIENTS = 20
const BIG_POSTS = 40
const TOO_LARGE_CLIENTS = 4
const TOO_LARGE_BYTES = 20 * 1024 * 1024

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const ms = (since: number): number => Math.round(performance.now() - since)

/** What a raw client saw: when the server closed it, the status line it answered, a socket error. */
interface RawOutcome {
  readonly closedAfterMs: number | undefined
  readonly status: string
  readonly error: string | undefined
  readonly received: string
}

/**
 * A raw TCP client: sends `preamble`, then `trickle` one byte every `everyMs`, and waits (at most `giveUpMs`) for
 * the server to close the connection.
 */
const slowClient = (port: number, preamble: string, trickle: string, everyMs: number, giveUpMs: number) =>
  new Promise<RawOutcome>((resolve) => {
    const started = performance.now()
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    let error: string | undefined
    let i = 0
    const timer = setInterval(() => {
      if (i < trickle.length && !socket.destroyed) socket.write(trickle[i++] ?? '')
    }, everyMs)
    const giveUp = setTimeout(() => finish(undefined), giveUpMs)
    const finish = (closedAfterMs: number | undefined): void => {
      clearInterval(timer)
      clearTimeout(giveUp)
      socket.destroy()
      resolve({ closedAfterMs, status: received.split('\r\n')[0] ?? '', error, received })
    }
    socket.on('connect', () => socket.write(preamble))
    socket.on('data', (d: Buffer) => void (received += d.toString()))
    socket.on('error', (e: NodeJS.ErrnoException) => void (error = e.code ?? e.message))
    socket.on('close', () => finish(ms(started)))
  })

/** Posts distinct notifications; the uuids answered 200 go into `acknowledged`. */
const postAll = async (
  url: string,
  texts: ReadonlyArray<{ uuid: string; text: string }>,
  acknowledged: string[],
  concurrency = 8
): Promise<{ ok: number; failed: number; maxMs: number }> => {
  let next = 0
  let ok = 0
  let failed = 0
  let maxMs = 0
  const worker = async (): Promise<void> => {
    while (next < texts.length) {
      const item = texts[next++]
      if (item === undefined) return
      const started = performance.now()
      try {
        const response = await post(`${url}/webhook`, item.text)
        await response.arrayBuffer()
        if (response.status === 200) {
          ok++
          acknowledged.push(item.uuid)
        } else failed++
      } catch {
        failed++
      }
      maxMs = Math.max(maxMs, ms(started))
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, texts.length) }, worker))
  return { ok, failed, maxMs }
}

/** An idle /feed client on a raw socket: remembers whether `marker` went by, keeps little else. */
interface FeedClient {
  readonly socket: net.Socket
  readonly opened: Promise<boolean>
  /** Starts looking for `marker` (call before it can go by), then tells whether it went by. */
  readonly saw: (marker: string) => boolean
  readonly lastId: () => number | undefined
  readonly bytes: () => number
  readonly ended: Promise<void>
}

const feedClient = (port: number, headers: Record<string, string> = {}, query = ''): FeedClient => {
  const socket = net.connect(port, '127.0.0.1')
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  socket.on('connect', () => socket.write(`GET /feed${query} HTTP/1.1\r\nHost: callstate\r\n${extra}\r\n`))
  socket.on('error', () => undefined)
  let tail = ''
  let bytes = 0
  let lastId: number | undefined
  const seen = new Set<string>()
  const watching = new Set<string>()
  let opened: (ok: boolean) => void = () => undefined
  const openedPromise = new Promise<boolean>((r) => (opened = r))
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length
    const text = tail + chunk.toString('latin1')
    if (text.includes('callstate feed after position')) opened(text.startsWith('HTTP/1.1 200') || bytes > 0)
    for (const w of watching) if (text.includes(w)) seen.add(w)
    for (const m of text.matchAll(/\nid: (\d+)\n/g)) lastId = Number(m[1])
    tail = text.slice(-300)
  })
  const ended = new Promise<void>((r) => socket.on('close', () => r()))
  void ended.then(() => opened(false))
  return {
    socket,
    opened: openedPromise,
    saw: (marker) => {
      watching.add(marker)
      return seen.has(marker)
    },
    lastId: () => lastId,
    bytes: () => bytes,
    ended
  }
}

const until = async (check: () => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (check()) return true
    await sleep(50)
  }
  return check()
}

/** A notification whose feed events are large (~`kib` KiB: party names flow into the feed's call summary). */
const bigNotification = (n: { uuid: string; text: string }, kib: number): { uuid: string; text: string } => {
  const v = JSON.parse(n.text) as { body: { parties: Array<{ from: { name?: string } }> } }
  const party = v.body.parties[0]
  if (party !== undefined) party.from.name = 'x'.repeat(kib * 1024)
  return { uuid: n.uuid, text: JSON.stringify(v) }
}

const tooLargeClient = (port: number, chunked: boolean, giveUpMs: number) =>
  new Promise<{ status: string; body: string; error: string | undefined; sent: number; answeredMs: number }>(
    (resolve) => {
      const started = performance.now()
      const socket = net.connect(port, '127.0.0.1')
      let received = ''
      let error: string | undefined
      let sent = 0
      let answeredMs = -1
      const chunk = Buffer.alloc(256 * 1024, 'a')
      const head =
        'POST /webhook HTTP/1.1\r\nHost: callstate\r\nContent-Type: application/json\r\n' +
        (chunked ? 'Transfer-Encoding: chunked\r\n\r\n' : `Content-Length: ${TOO_LARGE_BYTES}\r\n\r\n`)
      // Like many SDKs: write the whole body (20 MiB, in 256 KiB steps every 10 ms), and only then look at the answer.
      const timer = setInterval(() => {
        if (socket.destroyed || sent >= TOO_LARGE_BYTES) {
          clearInterval(timer)
          if (chunked && !socket.destroyed) socket.write('0\r\n\r\n')
          return
        }
        socket.write(
          chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk
        )
        sent += chunk.length
      }, 10)
      const giveUp = setTimeout(() => socket.destroy(), giveUpMs)
      socket.on('connect', () => socket.write(head))
      socket.on('data', (d: Buffer) => {
        if (answeredMs < 0) answeredMs = ms(started)
        received += d.toString()
        // Answered in full: done (the connection may stay open for another request).
        const body = received.split('\r\n\r\n')[1] ?? ''
        if (body.endsWith('}') && sent >= TOO_LARGE_BYTES) socket.end()
      })
      socket.on('error', (e: NodeJS.ErrnoException) => void (error = e.code ?? e.message))
      socket.on('close', () => {
        clearInterval(timer)
        clearTimeout(giveUp)
        resolve({
          status: received.split('\r\n')[0] ?? '',
          body: received.split('\r\n\r\n')[1] ?? '',
          error,
          sent,
          answeredMs
        })
      })
    }
  )

export interface ClientsOptions {
  /** Short limits for the test suite (the child is then ./serve-with-limits.ts); absent: the binary's defaults. */
  readonly limits?: Partial<ClientLimits>
}

const runClients = async (context: CampaignContext, options: ClientsOptions): Promise<CampaignResult> => {
  const limits: ClientLimits = { ...CLIENT_LIMITS, ...options.limits }
  const dataDir = path.join(context.workDir, 'data')
  const server: ServeChild = await spawnServe({
    dataDir,
    ...(options.limits !== undefined ? { limits: options.limits } : {})
  })
  const figures: Record<string, string | number> = {}
  const open: string[] = []
  const acknowledged: string[] = []
  let tried = 0
  let faults = 0
  const { port, url } = server
  const kib = (): number => server.memory().rssKiB
  try {
    await postAll(url, syntheticNotifications(20, 'warm'), acknowledged)
    figures['server RSS at start (MiB)'] = Math.round(kib() / 1024)

    // 1. Slow-header and slow-body clients, while a normal client posts.
    context.log(`slow clients: ${SLOW_CLIENTS} slow-header + ${SLOW_CLIENTS} slow-body (a byte a second)`)
    const giveUp = 2 * limits.requestTimeoutMs + 10_000
    const headerTrickle = `POST /webhook HTTP/1.1\r\nHost: callstate\r\nContent-Type: application/json\r\nX-Slow: ${'a'.repeat(2000)}`
    const bodyHead =
      'POST /webhook HTTP/1.1\r\nHost: callstate\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n'
    const slowHeaders = Array.from({ length: SLOW_CLIENTS }, () => slowClient(port, '', headerTrickle, 1000, giveUp))
    const slowBodies = Array.from({ length: SLOW_CLIENTS }, () =>
      slowClient(port, bodyHead, `{"pad":"${'a'.repeat(1990)}"}`, 1000, giveUp)
    )
    faults += 2 * SLOW_CLIENTS
    tried += 2 * SLOW_CLIENTS
    await sleep(1500)
    const during = await postAll(url, syntheticNotifications(20, 'during-slow'), acknowledged, 4)
    tried += 20
    const headerOutcomes = await Promise.all(slowHeaders)
    const bodyOutcomes = await Promise.all(slowBodies)
    const summarize = (label: string, outcomes: ReadonlyArray<RawOutcome>, bound: number): void => {
      const closed = outcomes.filter((o) => o.closedAfterMs !== undefined)
      const times = closed.map((o) => o.closedAfterMs ?? 0)
      figures[`${label}: tried / closed`] = `${outcomes.length} / ${closed.length}`
      figures[`${label}: answered 408`] = outcomes.filter((o) => o.status.includes(' 408 ')).length
      if (times.length > 0)
        figures[`${label}: closed after (s, min-max)`] =
          `${(Math.min(...times) / 1000).toFixed(1)}-${(Math.max(...times) / 1000).toFixed(1)} (bound ${bound / 1000} s)`
      if (closed.length < outcomes.length)
        open.push(`${outcomes.length - closed.length} ${label} clients were not closed within ${giveUp / 1000} s`)
    }
    summarize('slow-header', headerOutcomes, limits.headersTimeoutMs)
    summarize('slow-body', bodyOutcomes, limits.requestTimeoutMs)
    figures['normal POSTs during the slow clients: 200 / tried'] = `${during.ok} / ${during.ok + during.failed}`
    figures['normal POST during the slow clients: slowest (ms)'] = during.maxMs
    if (during.failed > 0) open.push(`${during.failed} normal POSTs failed while slow clients were connected`)

    // 2. `size` idle feed clients.
    context.log(`idle feed: ${context.size} clients`)
    const before = kib()
    const feeds: FeedClient[] = []
    for (let i = 0; i < context.size; i += 50) {
      const batch = Array.from({ length: Math.min(50, context.size - i) }, () => feedClient(port))
      feeds.push(...batch)
      await Promise.all(batch.map((f) => f.opened))
    }
    tried += context.size
    faults += context.size
    const openedCount = (await Promise.all(feeds.map((f) => f.opened))).filter(Boolean).length
    await sleep(1000)
    const after = kib()
    figures['idle feed clients: tried / open'] = `${context.size} / ${openedCount}`
    figures['idle feed clients: server RSS before / after (MiB)'] =
      `${Math.round(before / 1024)} / ${Math.round(after / 1024)}`
    // RSS moves with the garbage collector too: a negative growth is noise, said as such.
    const perClient = Math.round((after - before) / context.size)
    figures['idle feed clients: server RSS per client (KiB)'] =
      perClient > 0 ? perClient : `${perClient} (within noise: RSS fell)`
    const [marker] = syntheticNotifications(1, 'idle-feed')
    if (marker === undefined) throw new Error('no notification')
    const session = `s-${marker.uuid}`
    for (const f of feeds) f.saw(session)
    const posted = await postAll(url, [marker], acknowledged)
    tried += 1
    const deliveredStarted = performance.now()
    await until(() => feeds.every((f) => f.saw(session)), 30_000 + context.size * 30)
    const delivered = feeds.filter((f) => f.saw(session)).length
    figures['idle feed clients: got the event'] = `${delivered} / ${context.size}`
    figures['idle feed clients: all delivered in (ms)'] = ms(deliveredStarted)
    if (delivered < context.size) open.push(`${context.size - delivered} idle feed clients did not get the event`)
    if (posted.ok !== 1) open.push('a POST made while the idle feed clients were open was not answered 200')
    // Each webhook POST while the feed clients are open: how long its answer takes.
    const timed: number[] = []
    let timedOk = 0
    for (const n of syntheticNotifications(5, 'with-feeds')) {
      const started = performance.now()
      timedOk += (await postAll(url, [n], acknowledged)).ok
      timed.push(ms(started))
      await sleep(200)
    }
    tried += 5
    timed.sort((a, b) => a - b)
    figures['POSTs with the idle feed clients open: 200 / tried'] = `${posted.ok + timedOk} / ${1 + timed.length}`
    figures['POST with the idle feed clients open: median / max (ms)'] = `${timed[2] ?? 0} / ${timed[4] ?? 0}`
    if ((timed[2] ?? 0) > 100)
      open.push(
        `slow POSTs with ${context.size} feed clients open (median ${timed[2] ?? 0} ms): every feed client computes ` +
          'each event on its own (session stream and presence reads), on the event loop the webhook shares; ' +
          'computing each feed event once for all clients is a change to the feed, not a limit'
      )
    if (timedOk < timed.length) open.push('a POST made while the idle feed clients were open was not answered 200')
    for (const f of feeds) f.socket.destroy()
    await sleep(500)

    // 3. A feed client that stops reading while large events are produced.
    context.log(`stuck feed client: ${BIG_POSTS} notifications of ~256 KiB feed events`)
    const stuckBefore = kib()
    const bigs = syntheticNotifications(BIG_POSTS, 'big').map((n) => bigNotification(n, 256))
    const stuck = feedClient(port)
    await stuck.opened
    const lastBig = `s-${bigs[bigs.length - 1]?.uuid ?? ''}`
    stuck.socket.pause()
    faults += 1
    const bigPosted = await postAll(url, bigs, acknowledged, 4)
    tried += BIG_POSTS
    const producedMiB = (bigs.reduce((sum, b) => sum + b.text.length, 0) / 2 ** 20).toFixed(1)
    const droppedLine = (): boolean => server.stdout().includes('feed: client stopped reading')
    const dropped = await until(droppedLine, limits.feedStallMs + 15_000)
    const stuckPeak = kib()
    // The client reads again: what it was sent ends (the server closed the stream), then it resumes.
    stuck.socket.resume()
    const ended = await Promise.race([stuck.ended.then(() => true), sleep(10_000).then(() => false)])
    const lastId = stuck.lastId()
    figures['stuck feed client: events produced (MiB of notifications)'] = `${BIG_POSTS} (${producedMiB})`
    figures['stuck feed client: dropped by the server'] = dropped && ended ? 'yes' : 'no'
    figures['stuck feed client: received before the drop (MiB)'] = (stuck.bytes() / 2 ** 20).toFixed(1)
    figures['stuck feed client: server RSS before / with it (MiB)'] =
      `${Math.round(stuckBefore / 1024)} / ${Math.round(stuckPeak / 1024)}`
    if (!dropped || !ended) open.push('a /feed client that stopped reading was not dropped')
    if (bigPosted.failed > 0) open.push(`${bigPosted.failed} large POSTs failed while a feed client was stuck`)
    const resumed = feedClient(port, lastId === undefined ? {} : { 'Last-Event-ID': String(lastId) }, '?from=0')
    resumed.saw(lastBig)
    const caughtUp = await until(() => resumed.saw(lastBig), 30_000)
    resumed.socket.destroy()
    figures['stuck feed client: resumed with Last-Event-ID and caught up'] = caughtUp ? 'yes' : 'no'
    if (!caughtUp) open.push('the dropped feed client could not resume with Last-Event-ID')

    // 4. Bodies over the limit (20 MiB, with a Content-Length and chunked), sent in full before reading.
    context.log(`too large: ${TOO_LARGE_CLIENTS} clients sending 20 MiB`)
    const large = await Promise.all(
      Array.from({ length: TOO_LARGE_CLIENTS }, (_, i) =>
        tooLargeClient(port, i % 2 === 1, limits.requestTimeoutMs + 20_000)
      )
    )
    tried += TOO_LARGE_CLIENTS
    faults += TOO_LARGE_CLIENTS
    const clean = large.filter(
      (l) => l.status.includes(' 413 ') && l.body.includes('"payload-too-large"') && l.error === undefined
    )
    figures['over the limit (20 MiB): tried / clean 413'] = `${large.length} / ${clean.length}`
    figures['over the limit: resets seen by the client'] = large.filter((l) => l.error !== undefined).length
    figures['over the limit: answered after (ms, max)'] = Math.max(...large.map((l) => l.answeredMs))
    if (clean.length < large.length)
      open.push(
        `over-the-limit bodies without a clean 413: ${large
          .filter((l) => !clean.includes(l))
          .map((l) => `${l.status || 'no answer'} ${l.error ?? ''}`.trim())
          .join('; ')}`
      )

    const after413 = await postAll(url, syntheticNotifications(5, 'after'), acknowledged)
    tried += 5
    if (after413.failed > 0) open.push(`${after413.failed} POSTs failed after the campaign`)
    figures['server RSS at the end / peak (MiB)'] =
      `${Math.round(kib() / 1024)} / ${Math.round(server.memory().peakKiB / 1024)}`
  } finally {
    const alive = !server.hasExited()
    const exit = await server.stop()
    figures['server exit'] = alive ? `stopped, code ${exit.code ?? exit.signal}` : `died: ${exit.code ?? exit.signal}`
  }
  const crashes = figures['server exit']?.toString().startsWith('died') === true ? 1 : 0
  const log = await logOf(dataDir)
  const uuids = new Map<string, number>()
  for (const e of log) {
    const uuid = e.metadata.uuid
    if (uuid !== undefined) uuids.set(uuid, (uuids.get(uuid) ?? 0) + 1)
  }
  const lost = acknowledged.filter((u) => !uuids.has(u)).length
  const duplicates = [...uuids.values()].filter((n) => n > 1).length
  figures['POSTs answered 200'] = acknowledged.length
  return { tried, faults, lost, duplicates, crashes, figures, open }
}

export const clientsCampaign = (options: ClientsOptions = {}): Campaign => ({
  name: 'clients',
  describe:
    'slow-header and slow-body webhook clients are closed in bounded time, idle /feed clients cost bounded memory, ' +
    'a /feed client that stops reading is dropped, a body over the limit gets a clean 413 while still being sent',
  defaultSize: 1000,
  unit: 'idle feed clients',
  run: (context) => runClients(context, options)
})

export const clients: Campaign = clientsCampaign()
