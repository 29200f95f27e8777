/**
 * Buffered line output with backpressure: lines are joined into ~64 KB chunks, and when the stream's buffer
 * is full the producer waits for 'drain', so a 1M-line run does not pile up in memory when the reader is slow.
 */
import type { Writable } from 'node:stream'

const CHUNK = 64 * 1024

export type SinkFailure = { readonly _tag: 'SinkFailure'; readonly code: string | undefined; readonly message: string }

export class LineSink {
  private buffer: string[] = []
  private size = 0
  private failed: SinkFailure | undefined

  constructor(private readonly stream: Writable) {
    // Recorded, not thrown: the producer checks `failure` and stops (EPIPE: the reader went away).
    stream.on('error', (e: NodeJS.ErrnoException) => {
      this.failed = { _tag: 'SinkFailure', code: e.code, message: e.message }
    })
  }

  get failure(): SinkFailure | undefined {
    return this.failed
  }

  /** Adds a line; returns a promise only when the caller must wait (the stream is full). */
  write(line: string): Promise<void> | undefined {
    this.buffer.push(line)
    this.size += line.length + 1
    return this.size >= CHUNK ? this.flush() : undefined
  }

  flush(): Promise<void> | undefined {
    if (this.size === 0 || this.failed) return undefined
    const chunk = this.buffer.join('\n') + '\n'
    this.buffer = []
    this.size = 0
    return this.stream.write(chunk) ? undefined : this.drained()
  }

  /** Resolves on drain, and also on error or close (the error is recorded by the listener above). */
  private drained(): Promise<void> {
    return settled(this.stream, ['drain', 'error', 'close'])
  }

  /** Flushes and, for a file, ends the stream and waits until it is written. */
  async end(close: boolean): Promise<SinkFailure | undefined> {
    await this.flush()
    if (close && !this.failed) {
      this.stream.end()
      await settled(this.stream, ['finish', 'error', 'close'])
    }
    return this.failed
  }
}

/** Waits for the first of `events`; unlike events.once, an 'error' resolves (it is recorded, not thrown). */
const settled = (stream: Writable, events: ReadonlyArray<string>): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      for (const e of events) stream.off(e, done)
      resolve()
    }
    for (const e of events) stream.on(e, done)
  })
