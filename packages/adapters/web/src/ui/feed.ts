/**
 * The live feed (`GET /feed`, Server-Sent Events) read with fetch and a stream reader, because EventSource cannot
 * send the Authorization header. Reconnects with backoff and `Last-Event-ID` (the last event's log position), so
 * nothing is missed or repeated; a 401 waits for the token form, then reconnects.
 */
import { auth, authHeaders, unauthorized } from './api'
import { store } from './store'

export type FeedState = 'connecting' | 'open' | 'retrying' | 'closed'

/** The state of the feeds open in the page (the health strip shows it). */
export const feedState = store<FeedState>('closed')

export interface FeedMessage {
  readonly event: string
  readonly id: string | null
  readonly data: string
}

export interface FeedOptions {
  /** Start after this log position (the head read before the initial load); absent: live changes only. */
  readonly from?: number
  readonly onMessage: (message: FeedMessage) => void
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true })
  })

const tokenChanged = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const before = auth.get().epoch
    const off = auth.subscribe((a) => {
      if (a.epoch !== before) {
        off()
        resolve()
      }
    })
    signal.addEventListener('abort', () => (off(), resolve()), { once: true })
  })

/** Splits a text/event-stream into messages (the WHATWG parsing rules, minus what the server never sends). */
export const sseParser = (emit: (m: FeedMessage & { retry?: number }) => void) => {
  let buffer = ''
  let event = ''
  let data: string[] = []
  let id: string | null = null
  let retry: number | undefined
  const line = (l: string): void => {
    if (l === '') {
      if (data.length > 0) emit({ event: event || 'message', id, data: data.join('\n'), ...(retry ? { retry } : {}) })
      else if (retry !== undefined) emit({ event: '', id: null, data: '', retry })
      event = ''
      data = []
      retry = undefined
      return
    }
    if (l.startsWith(':')) return
    const colon = l.indexOf(':')
    const field = colon === -1 ? l : l.slice(0, colon)
    let value = colon === -1 ? '' : l.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') event = value
    else if (field === 'data') data.push(value)
    else if (field === 'id') id = value
    else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value)
  }
  return (chunk: string): void => {
    buffer += chunk
    let i: number
    while ((i = buffer.search(/\r\n|\r|\n/)) !== -1) {
      const sep = buffer[i] === '\r' && buffer[i + 1] === '\n' ? 2 : 1
      line(buffer.slice(0, i))
      buffer = buffer.slice(i + sep)
    }
  }
}

let openFeeds = 0

/** Opens the feed; returns its close function. */
export const openFeed = ({ from, onMessage }: FeedOptions): (() => void) => {
  const stop = new AbortController()
  let lastId: string | null = from === undefined ? null : String(from)
  let base = 2000
  let failures = 0
  openFeeds++
  const run = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      feedState.set(failures === 0 ? 'connecting' : 'retrying')
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream', ...authHeaders() }
        if (lastId !== null) headers['last-event-id'] = lastId
        const res = await fetch('/feed', { headers, cache: 'no-store', signal: stop.signal })
        if (res.status === 401) {
          unauthorized()
          feedState.set('retrying')
          await tokenChanged(stop.signal)
          continue
        }
        if (!res.ok || res.body === null) throw new Error(`feed: ${res.status}`)
        feedState.set('open')
        failures = 0
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        const feed = sseParser((m) => {
          if (m.retry !== undefined) base = m.retry
          if (m.id !== null) lastId = m.id
          if (m.data !== '') onMessage(m)
        })
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          feed(value)
        }
        throw new Error('feed: the server ended the stream')
      } catch {
        if (stop.signal.aborted) break
        failures++
        feedState.set('retrying')
        // 2 s, 4 s, 8 s ... up to 30 s, with jitter so a restarted server is not hit by every board at once
        const wait = Math.min(30_000, base * 2 ** Math.min(failures - 1, 4)) * (0.75 + Math.random() * 0.5)
        await sleep(wait, stop.signal)
      }
    }
  }
  void run()
  return () => {
    stop.abort()
    openFeeds--
    if (openFeeds === 0) feedState.set('closed')
  }
}
