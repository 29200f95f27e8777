/**
 * The live feed (`GET /feed`, Server-Sent Events) of a real server: it replays from a position, resumes after
 * `Last-Event-ID`, and delivers a change that happens while the client is connected.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { P01, P02, payloadTexts, post, startTestServer, type TestServer } from './serve-helpers.js'

interface SseEvent {
  readonly id: number
  readonly event: string
  readonly data: { readonly telephonySessionId: string; readonly status: string; readonly position: number }
}

const parseEvent = (block: string): SseEvent | undefined => {
  const field = (name: string) =>
    block
      .split('\n')
      .find((l) => l.startsWith(`${name}: `))
      ?.slice(name.length + 2)
  const id = field('id')
  const event = field('event')
  const data = field('data')
  if (id === undefined || event === undefined || data === undefined) return undefined
  const parsed: unknown = JSON.parse(data)
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !('telephonySessionId' in parsed && 'status' in parsed && 'position' in parsed)
  )
    return undefined
  return {
    id: Number(id),
    event,
    data: {
      telephonySessionId: String(parsed.telephonySessionId),
      status: String(parsed.status),
      position: Number(parsed.position)
    }
  }
}

/**
 * Opens the feed and collects events until `enough` says so; `whileOpen` runs once the stream is open
 * (to cause live events). Ends the connection itself.
 */
const readFeed = async (
  url: string,
  headers: Record<string, string>,
  enough: (events: SseEvent[]) => boolean,
  whileOpen: () => Promise<void> = async () => undefined
): Promise<SseEvent[]> => {
  const abort = new AbortController()
  const response = await fetch(url, { headers, signal: abort.signal })
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  const reader = response.body?.getReader()
  if (reader === undefined) throw new Error('no body')
  const decoder = new TextDecoder()
  const events: SseEvent[] = []
  let buffer = ''
  let started = false
  while (!enough(events)) {
    const chunk = await reader.read()
    if (chunk.done) break
    buffer += decoder.decode(chunk.value, { stream: true })
    let end = buffer.indexOf('\n\n')
    while (end !== -1) {
      const e = parseEvent(buffer.slice(0, end))
      if (e !== undefined) events.push(e)
      buffer = buffer.slice(end + 2)
      end = buffer.indexOf('\n\n')
    }
    if (!started) {
      started = true
      await whileOpen()
    }
  }
  abort.abort()
  return events
}

const S01 = 's-718107795d564867a6f635fd81e89940'
const endedIn = (id: string) => (events: SseEvent[]) =>
  events.some((e) => e.event === 'call-ended' && e.data.telephonySessionId === id)

const feed = suite<{ server: TestServer }>('live feed (SSE)')

feed.before(async (ctx) => {
  ctx.server = await startTestServer()
  for (const text of payloadTexts(P01)) assert.equal((await post(`${ctx.server.url}/webhook`, text)).status, 200)
})
feed.after(async (ctx) => {
  await ctx.server.stop()
})

feed(
  'from=0 replays payload 01 as call-state changes ending in one call-ended, ids = log positions',
  async ({ server }) => {
    const events = await readFeed(`${server.url}/feed?from=0`, {}, endedIn(S01))
    // One event per notification of payload 01 (each changes a party); the status follows DOMAIN.md's precedence
    // over the live parties: p1 answered while p2 is still in Setup is ringing; p1 alone answered is active.
    assert.equal(
      events.map((e) => [e.id, e.event, e.data.status]),
      [
        [1, 'call-state', 'ringing'], // p1 Setup
        [2, 'call-state', 'ringing'], // p2 Setup
        [3, 'call-state', 'ringing'], // p1 Answered, p2 Setup
        [4, 'call-state', 'active'], // p2 Disconnected: p1 the only live party, answered
        [5, 'call-state', 'ringing'], // p3 Setup
        [6, 'call-state', 'ringing'], // p3 Proceeding
        [7, 'call-state', 'active'], // p3 Answered
        [8, 'call-state', 'on-hold'], // p3 Hold
        [9, 'call-state', 'active'], // p3 Answered (unhold)
        [10, 'call-state', 'active'], // p3 Disconnected: p1 alone, answered
        [11, 'call-ended', 'ended'] // p1 Disconnected
      ]
    )
    assert.equal(
      events.map((e) => e.data.position),
      events.map((e) => e.id)
    )
  }
)

feed('Last-Event-ID resumes after that position (and wins over ?from=)', async ({ server }) => {
  const events = await readFeed(`${server.url}/feed?from=0`, { 'last-event-id': '8' }, endedIn(S01))
  assert.equal(
    events.map((e) => e.id),
    [9, 10, 11]
  )
})

feed('a live client gets a notification that arrives while it is connected', async ({ server }) => {
  const first = payloadTexts(P02)[0] ?? ''
  const id = String(JSON.parse(first).body.telephonySessionId)
  const events = await readFeed(
    `${server.url}/feed`,
    {},
    (es) => es.length > 0,
    async () => {
      assert.equal((await post(`${server.url}/webhook`, first)).status, 200)
    }
  )
  assert.equal(
    events.map((e) => [e.id, e.event, e.data.telephonySessionId]),
    [[12, 'call-state', id]]
  )
})

feed('a bad Last-Event-ID is a 400 naming the header', async ({ server }) => {
  const response = await fetch(`${server.url}/feed`, { headers: { 'last-event-id': 'abc' } })
  assert.equal(response.status, 400)
  assert.equal(await response.json(), {
    error: 'bad-request',
    message: 'headers/last-event-id must match pattern "^[0-9]+$"'
  })
})

feed.run()
