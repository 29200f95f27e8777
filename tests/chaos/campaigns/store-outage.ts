/**
 * Campaign `store-outage`: the real `callstate serve --esdb` (a child process) with its log in the EventStoreDB
 * wire double, under steady webhook load, while the node goes away and comes back, `size` times, without
 * restarting serve. Each outage is three faults in turn, each followed by a recovery: the node stopped (connection
 * refused), frozen (connections accepted, not a byte answered), slow (every answer `SLOW_MS` late). The faults are
 * made by an outage switch in front of the double (tests/test/doubles/esdb-outage.ts), so the double's log survives.
 *
 * What must hold: while the node is stopped or frozen the webhook answers 503 and never 200, and within the bound
 * one request can wait (the commit in flight, then its own: 2 x the adapter's 5 s timeout, plus a margin);
 * `/health` answers 503 then and 200 after; once the node is back, posts are answered 200 again without a restart.
 * At the end every notification that got no 200 is delivered again (as RingCentral retries a 503), and the log,
 * read back through the EventStoreDB adapter, must hold every notification answered 200 exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { openEsdbStore } from '@callstate/esdb'
import type { Campaign, CampaignResult } from '../campaign.js'
import { looksLikeCrash, notificationMaker, sleep, type Exit } from '../serve-under-load.js'
import { BIN } from '../../test/serve-helpers.js'
import { startEsdbGrpcDouble } from '../../test/doubles/esdb-grpc-double.js'
import { startOutageSwitch, type OutageSwitch } from '../../test/doubles/esdb-outage.js'

/** The adapter's deadline per call, given to `serve` (CALLSTATE_ESDB_TIMEOUT_MS; the default, 10 s, is for a remote node). */
const ADAPTER_TIMEOUT_MS = 5000
/** Longest a webhook request may wait while the node is away: the commit in flight, then its own, plus a margin. */
export const ANSWER_BOUND_MS = 2 * ADAPTER_TIMEOUT_MS + 2000
const POSTERS = 4
/** Pause of each poster between two posts: steady load, not a flood of instant 503s. */
const POST_GAP_MS = 25
/** ... and after a 503 or no answer (a sender backing off a little). */
const FAILED_GAP_MS = 100
const HEALTH_GAP_MS = 250
/** How long the node may take to answer 200s again after it is back before the recovery counts as failed. */
const RECOVERY_LIMIT_MS = 30_000

type Fault = 'stopped' | 'frozen' | 'slow'
type Phase = Fault | 'up'
const FAULTS: ReadonlyArray<Fault> = ['stopped', 'frozen', 'slow']

export interface StoreOutageSettings {
  /** How long each fault lasts. */
  readonly faultMs: number
  /** The delay of every answer while slow. */
  readonly slowMs: number
}

interface Answer {
  readonly uuid: string
  /** HTTP status, or 0: no answer (connection error). */
  readonly status: number
  readonly sentIn: Phase
  readonly answeredIn: Phase
  readonly ms: number
  readonly sentAt: number
}

interface Serve {
  readonly process: ChildProcess
  readonly url: string
  readonly exited: Promise<Exit>
  readonly stderr: () => string
}

/** `callstate --esdb <url> serve` on a free port; its stdout (JSON log) and stderr go to files in `workDir`. */
const startServe = (workDir: string, esdb: string): Promise<Serve> =>
  new Promise((resolve, reject) => {
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CALLSTATE_'))),
      CALLSTATE_ESDB_TIMEOUT_MS: String(ADAPTER_TIMEOUT_MS)
    }
    const args = [
      '--data-dir',
      path.join(workDir, 'data'),
      '--esdb',
      esdb,
      'serve',
      '--port',
      '0',
      '--log-level',
      'warn'
    ]
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<Exit>((r) => child.on('exit', (code, signal) => r({ code, signal })))
    let stderr = ''
    let listening = false
    child.stdout?.on('data', (chunk: Buffer) => fs.appendFileSync(path.join(workDir, 'serve.stdout.log'), chunk))
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      fs.appendFileSync(path.join(workDir, 'serve.stderr.log'), chunk)
      const m = listening ? null : /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)
      if (m?.[1] !== undefined) {
        listening = true
        resolve({ process: child, url: m[1], exited, stderr: () => stderr })
      }
    })
    void exited.then((e) => {
      if (!listening) reject(new Error(`serve exited (${e.code ?? e.signal}) before listening: ${stderr}`))
    })
  })

/** Every non-system event of the log, read back through the EventStoreDB adapter: uuid -> count, and duplicate ids. */
const readBack = async (
  url: string
): Promise<{ byUuid: Map<string, number>; events: number; duplicateIds: number }> => {
  const opened = openEsdbStore(url, { timeoutMs: 10_000 })
  if (E.isLeft(opened)) throw new Error(`cannot open the store: ${JSON.stringify(opened.left)}`)
  const store = opened.right
  const byUuid = new Map<string, number>()
  const ids = new Set<string>()
  let events = 0
  try {
    let after = 0
    for (;;) {
      const page = await store.readAll(after, 1000)()
      if (E.isLeft(page)) throw new Error(`cannot read the log back: ${JSON.stringify(page.left)}`)
      for (const e of page.right) {
        events++
        ids.add(e.id)
        const u = e.metadata.uuid ?? `(no uuid) ${e.id}`
        byUuid.set(u, (byUuid.get(u) ?? 0) + 1)
      }
      const last = page.right[page.right.length - 1]
      if (last === undefined) break
      after = last.position
    }
  } finally {
    await store.close()
  }
  return { byUuid, events, duplicateIds: events - ids.size }
}

const maxOf = (values: ReadonlyArray<number>): number => values.reduce((m, v) => Math.max(m, v), 0)

export const makeStoreOutage = (settings: StoreOutageSettings): Campaign => ({
  name: 'store-outage',
  describe:
    'serve --esdb under webhook load while the EventStoreDB node is stopped, frozen and slowed, then back: ' +
    '503 (never 200) within a bound while away, 200 again without a restart, every 200 stored exactly once',
  defaultSize: 3,
  unit: 'outages',
  run: async ({ size, workDir, log }): Promise<CampaignResult> => {
    const double = await startEsdbGrpcDouble()
    const outage: OutageSwitch = await startOutageSwitch('127.0.0.1', double.port)
    const serve = await startServe(workDir, outage.url)
    const make = notificationMaker()
    const open: string[] = []
    const answers: Answer[] = []
    const health: Array<{ status: number; sentIn: Phase; answeredIn: Phase; sentAt: number }> = []
    const recoveries: Array<{ outage: number; fault: Fault; ms: number | undefined; healthMs: number | undefined }> = []
    let phase: Phase = 'up'
    const windows: Array<{ fault: Fault; start: number; end: number }> = []
    let faults = 0
    let crashes = 0
    let stopped = false
    let next = 0
    /** The outage under way (0 before the first), for the uuids: `outage-<n>-<i>`. */
    let current = 0

    const postOne = async (uuid: string): Promise<Answer> => {
      const sentIn = phase
      const sentAt = performance.now()
      let status = 0
      try {
        const response = await fetch(`${serve.url}/webhook`, {
          method: 'POST',
          body: make(uuid),
          headers: { 'content-type': 'application/json' }
        })
        await response.arrayBuffer()
        status = response.status
      } catch {
        status = 0
      }
      return { uuid, status, sentIn, answeredIn: phase, ms: performance.now() - sentAt, sentAt }
    }
    const poster = async (): Promise<void> => {
      while (!stopped) {
        const answer = await postOne(`outage-${current}-${next++}`)
        answers.push(answer)
        await sleep(answer.status === 200 ? POST_GAP_MS : FAILED_GAP_MS)
      }
    }
    const prober = async (): Promise<void> => {
      while (!stopped) {
        const sentIn = phase
        const sentAt = performance.now()
        const status = await fetch(`${serve.url}/health`).then(
          async (r) => (await r.arrayBuffer(), r.status),
          () => 0
        )
        health.push({ status, sentIn, answeredIn: phase, sentAt })
        await sleep(HEALTH_GAP_MS)
      }
    }
    const running = Promise.all([...Array.from({ length: POSTERS }, poster), prober()])

    const expectAlive = (when: string): void => {
      if (serve.process.exitCode !== null || serve.process.signalCode !== null) {
        crashes++
        open.push(`serve died by itself ${when}: ${serve.stderr().trim().split('\n').slice(-3).join(' | ')}`)
      }
    }
    /** Resolves with how long after `since` a post sent after `since` was first answered 200 (undefined: never). */
    const firstOkAfter = async (since: number): Promise<{ post?: number; health?: number }> => {
      const limit = since + RECOVERY_LIMIT_MS
      let post: number | undefined
      let healthy: number | undefined
      while (performance.now() < limit && (post === undefined || healthy === undefined)) {
        const a = answers.find((x) => x.sentAt >= since && x.status === 200)
        if (a !== undefined) post = a.sentAt + a.ms - since
        const h = health.find((x) => x.sentAt >= since && x.status === 200)
        if (h !== undefined) healthy = h.sentAt - since
        await sleep(50)
      }
      return { ...(post !== undefined ? { post } : {}), ...(healthy !== undefined ? { health: healthy } : {}) }
    }

    try {
      await sleep(settings.faultMs / 2)
      for (let o = 0; o < size; o++) {
        current = o + 1
        for (const fault of FAULTS) {
          expectAlive(`before ${fault} (outage ${o + 1})`)
          if (fault === 'stopped') await outage.stop()
          else if (fault === 'frozen') outage.freeze()
          else outage.slow(settings.slowMs)
          phase = fault
          faults++
          const start = performance.now()
          await sleep(settings.faultMs)
          phase = 'up'
          const back = performance.now()
          windows.push({ fault, start, end: back })
          await outage.restore()
          const ok = await firstOkAfter(back)
          recoveries.push({ outage: o + 1, fault, ms: ok.post, healthMs: ok.health })
          if (ok.post === undefined)
            open.push(
              `outage ${o + 1}, ${fault}: no post answered 200 within ${RECOVERY_LIMIT_MS} ms of the node's return`
            )
          if (ok.health === undefined)
            open.push(`outage ${o + 1}, ${fault}: /health not 200 within ${RECOVERY_LIMIT_MS} ms of the node's return`)
          log(
            `outage ${o + 1}/${size}, ${fault} ${settings.faultMs} ms: ` +
              `200 again after ${ok.post === undefined ? 'never' : `${ok.post.toFixed(0)} ms`}`
          )
          await sleep(settings.faultMs / 4)
        }
      }
    } finally {
      stopped = true
      await running
    }
    expectAlive('after the outages')

    // What was answered 503 (or not at all) but is in the log anyway: the outcome of a timed-out append is unknown.
    const beforeRetry = await readBack(double.url)
    const notAcked = answers.filter((a) => a.status !== 200)
    const storedAnyway = notAcked.filter((a) => (beforeRetry.byUuid.get(a.uuid) ?? 0) > 0).length
    // RingCentral delivers again what was not answered 200: every one must now be answered 200, none stored twice.
    const retries: Answer[] = []
    for (let i = 0; i < notAcked.length; i += POSTERS * 4) {
      const slice = notAcked.slice(i, i + POSTERS * 4)
      retries.push(...(await Promise.all(slice.map((a) => postOne(a.uuid)))))
    }
    log(`redelivered ${retries.length} notifications`)
    const retriesNot200 = retries.filter((r) => r.status !== 200)
    if (retriesNot200.length > 0)
      open.push(
        `${retriesNot200.length} redelivery(ies) with the node up not answered 200 (first: ${retriesNot200[0]?.status})`
      )

    // The read models follow the log again without a restart: /health reports no lag.
    let lag: number | undefined
    for (const until = performance.now() + RECOVERY_LIMIT_MS; performance.now() < until; await sleep(200)) {
      const body = (await fetch(`${serve.url}/health`).then(
        (r) => r.json(),
        () => undefined
      )) as { projections?: { lag?: number } } | undefined
      lag = body?.projections?.lag
      if (lag === 0) break
    }
    if (lag !== 0) open.push(`the read models did not catch up after the outages (lag ${String(lag)})`)

    log(`read models caught up: ${lag === 0 ? 'yes' : 'no'}`)
    expectAlive('at the end')
    serve.process.kill('SIGTERM')
    const exit = await serve.exited
    if (exit.code !== 0) {
      crashes++
      open.push(`SIGTERM ended serve with ${exit.code ?? exit.signal}, not 0`)
    }
    if (looksLikeCrash(serve.stderr())) {
      crashes++
      open.push(`serve wrote a crash to stderr: ${serve.stderr().trim().split('\n').slice(-3).join(' | ')}`)
    }
    await outage.close()
    log(`serve stopped (${exit.code ?? exit.signal})`)

    const stored = await readBack(double.url)
    await double.stop()
    const acked = [...answers, ...retries].filter((a) => a.status === 200).map((a) => a.uuid)
    const lost = [...new Set(acked)].filter((u) => (stored.byUuid.get(u) ?? 0) === 0).length
    const duplicateUuids = [...stored.byUuid.values()].reduce((n, c) => n + (c - 1), 0)

    // 200 while the node was stopped or frozen: nothing can have been stored then.
    const away = (p: Phase): boolean => p === 'stopped' || p === 'frozen'
    const okWhileAway = answers.filter((a) => a.status === 200 && away(a.sentIn) && away(a.answeredIn))
    if (okWhileAway.length > 0)
      open.push(`${okWhileAway.length} post(s) sent and answered 200 while the node was stopped or frozen`)
    /** Posts in flight at some moment of a window of this fault (sent before its end, answered after its start). */
    const byFault = (fault: Fault): Answer[] =>
      answers.filter((a) => windows.some((w) => w.fault === fault && a.sentAt < w.end && a.sentAt + a.ms > w.start))
    const maxMs = (fault: Fault): number => maxOf(byFault(fault).map((a) => a.ms))
    for (const fault of FAULTS) {
      if (maxMs(fault) > ANSWER_BOUND_MS)
        open.push(
          `a post sent while ${fault} waited ${maxMs(fault).toFixed(0)} ms, over the ${ANSWER_BOUND_MS} ms bound`
        )
      if (fault !== 'slow' && !byFault(fault).some((a) => a.status === 503)) open.push(`no 503 seen while ${fault}`)
    }
    const unanswered = answers.filter((a) => a.status === 0).length
    if (unanswered > 0) open.push(`${unanswered} post(s) got no answer at all (connection error)`)
    const healthAway = health.filter((h) => away(h.sentIn) && away(h.answeredIn))
    const healthOkAway = healthAway.filter((h) => h.status === 200).length
    if (healthOkAway > 0) open.push(`/health answered 200 ${healthOkAway} time(s) while the node was stopped or frozen`)
    if (!healthAway.some((h) => h.status === 503)) open.push('/health never answered 503 while the node was away')
    const unexpected = [...answers, ...retries].filter((a) => ![200, 503, 0].includes(a.status))
    if (unexpected.length > 0)
      open.push(
        `unexpected answers: ${[...new Set(unexpected.map((a) => a.status))].join(', ')} (${unexpected.length})`
      )
    const count = (status: number): number => answers.filter((a) => a.status === status).length
    const recovery = (fault: Fault): string =>
      recoveries
        .filter((r) => r.fault === fault)
        .map((r) => (r.ms === undefined ? 'never' : `${r.ms.toFixed(0)} ms`))
        .join(', ')
    const figure = (fault: Fault): string => {
      const sent = byFault(fault)
      const ok = sent.filter((a) => a.status === 200).length
      return `${sent.length} posts: ${ok} x 200, ${sent.filter((a) => a.status === 503).length} x 503, max answer ${maxMs(fault).toFixed(0)} ms`
    }

    return {
      tried: answers.length + retries.length,
      faults,
      lost,
      duplicates: duplicateUuids + stored.duplicateIds,
      crashes,
      figures: {
        outages: `${size} x (stopped, frozen, slow ${settings.slowMs} ms), ${settings.faultMs} ms each`,
        'concurrent posters': POSTERS,
        'posts (first deliveries)': answers.length,
        'answered 200': count(200),
        'answered 503': count(503),
        'other answers (no answer, other status)': answers.length - count(200) - count(503),
        'in flight while stopped': figure('stopped'),
        'in flight while frozen': figure('frozen'),
        'in flight while slow': figure('slow'),
        'answer bound while away (2 x adapter timeout + 2 s)': `${ANSWER_BOUND_MS} ms`,
        '200 while stopped or frozen': okWhileAway.length,
        '/health while stopped or frozen (200 / 503)': `${healthOkAway} / ${healthAway.filter((h) => h.status === 503).length}`,
        'time to recover after stopped (first 200)': recovery('stopped'),
        'time to recover after frozen (first 200)': recovery('frozen'),
        'time to recover after slow (first 200)': recovery('slow'),
        '/health 200 again after (max)': `${maxOf(recoveries.map((r) => r.healthMs ?? Infinity)).toFixed(0)} ms`,
        'answered 503 but stored anyway (outcome unknown)': storedAnyway,
        'redelivered after the outages (200 / other)': `${retries.length - retriesNot200.length} / ${retriesNot200.length}`,
        'not answered 200 and not stored before redelivery': notAcked.length - storedAnyway,
        'events in the log': stored.events,
        'read models caught up (lag 0)': lag === 0 ? 'yes' : 'no',
        'lost (200 but not in the log)': lost,
        'duplicate uuids / ids': `${duplicateUuids} / ${stored.duplicateIds}`
      },
      open
    }
  }
})

export const storeOutage: Campaign = makeStoreOutage({ faultMs: 12_000, slowMs: 2500 })
