/**
 * Bytes this process has caused to be written to disk (/proc/self/io `write_bytes`), to tell how much of a
 * store's time is write amplification: a page rewritten for every few rows shows as many bytes per event.
 * Undefined where /proc is not there.
 */
import { readFileSync } from 'node:fs'

export const diskWrites = () => {
  try {
    const m = /^write_bytes:\s+(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))
    return m ? Number(m[1]) : undefined
  } catch {
    // No /proc (not Linux): the figure is left out, nothing else depends on it.
    return undefined
  }
}
