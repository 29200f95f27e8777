/**
 * Peak memory. A worker reports its own peak RSS from getrusage (`process.resourceUsage().maxRSS`, the kernel's
 * high-water mark, so no spike between samples is missed), plus RSS samples taken as the work progresses: equal
 * samples at 25% and at 100% of the log are what "memory does not grow with the log" looks like.
 */
import { readFileSync } from 'node:fs'

export const peakRss = () => process.resourceUsage().maxRSS * 1024

/** Records RSS each time progress crosses the next quarter of `total`. */
export const quarterSampler = (total) => {
  const samples = []
  let next = 1
  return {
    progress: (done) => {
      while (next <= 4 && done >= (total * next) / 4) {
        samples.push({ at: next * 25, rss: process.memoryUsage().rss })
        next++
      }
    },
    samples: () => samples
  }
}

const statusField = (pid, field) => {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : undefined
  } catch {
    // The process is gone (or /proc is not there): the caller keeps its last reading.
    return undefined
  }
}

/** VmHWM (peak resident set) of another process, in bytes; undefined once it has exited. */
export const vmHwm = (pid) => statusField(pid, 'VmHWM')

/** VmRSS (resident set now) of another process, in bytes; undefined once it has exited. */
export const vmRss = (pid) => statusField(pid, 'VmRSS')

/** Polls a child's VmHWM every `ms` and keeps the highest value seen (the last reading before it exits). */
export const watchPeak = (pid, ms = 100) => {
  let peak = 0
  const read = () => {
    const v = vmHwm(pid)
    if (v !== undefined && v > peak) peak = v
  }
  read()
  const timer = setInterval(read, ms)
  return {
    stop: () => {
      read()
      clearInterval(timer)
      return peak
    }
  }
}
