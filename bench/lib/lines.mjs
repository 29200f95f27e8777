/** Reads an NDJSON file as lines, 1 MiB at a time, without readline's per-line events (they cost more than parsing). */
import { createReadStream } from 'node:fs'

export async function* readLines(file) {
  let rest = ''
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + chunk
    const lines = text.split('\n')
    rest = lines.pop() ?? ''
    yield lines.filter((l) => l !== '')
  }
  if (rest !== '') yield [rest]
}

/** The first `n` lines of a file. */
export const firstLines = async (file, n) => {
  const out = []
  for await (const lines of readLines(file)) {
    for (const l of lines) {
      if (out.length === n) return out
      out.push(l)
    }
  }
  return out
}

/** The envelope `timestamp` of the first line of an NDJSON file: where the simulated history starts. */
export const firstTimestamp = async (file) => {
  const [first] = await firstLines(file, 1)
  const value = JSON.parse(first ?? 'null')
  if (typeof value?.timestamp !== 'string') throw new Error(`the first line of ${file} has no timestamp`)
  return value.timestamp
}

/** The envelope `timestamp` of the last line of an NDJSON file: the "now" of a simulated day. */
export const lastTimestamp = async (file) => {
  const { open } = await import('node:fs/promises')
  const handle = await open(file, 'r')
  try {
    const { size } = await handle.stat()
    const length = Math.min(size, 64 * 1024)
    const buffer = Buffer.alloc(length)
    await handle.read(buffer, 0, length, size - length)
    const last = buffer.toString('utf8').trimEnd().split('\n').pop() ?? ''
    const value = JSON.parse(last)
    if (typeof value?.timestamp !== 'string') throw new Error(`the last line of ${file} has no timestamp`)
    return value.timestamp
  } finally {
    await handle.close()
  }
}
