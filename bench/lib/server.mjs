/**
 * `callstate serve` as its own process, as it runs in production: the load generator and the server do not
 * share an event loop, and the server's peak memory is its own (VmHWM from /proc).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { CALLSTATE_BIN } from './paths.mjs'
import { watchPeak } from './memory.mjs'

// A large log takes a while: serve runs SQLite's quick check of it first (~2 ms per MB; ~30 s for a 10M-event log).
const STARTUP_MS = 600_000

/**
 * Starts the server on a free loopback port; resolves `{ url, pid, stop }` once it listens. `extraArgs` go after
 * `serve`, `globalArgs` before it (`['--esdb', url]`).
 */
export const startServer = (dataDir, extraArgs = [], { globalArgs = [] } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        CALLSTATE_BIN,
        '--data-dir',
        dataDir,
        ...globalArgs,
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--log-level',
        'silent',
        ...extraArgs
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] }
    )
    // A worker that fails half-way must not leave its server running: kill it when the worker exits.
    const reap = () => {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    process.on('exit', reap)
    let stderr = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`serve did not start within ${STARTUP_MS / 1000} s: ${stderr.trim()}`))
    }, STARTUP_MS)
    const exited = once(child, 'exit')
    let listening = false
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (!listening) reject(new Error(`serve exited (code ${code}) before listening: ${stderr.trim()}`))
    })
    child.stderr.on('data', (c) => {
      stderr += c.toString()
      const m = /listening on (http:\/\/\S+)/.exec(stderr)
      if (m === null || m[1] === undefined) return
      if (listening) return
      listening = true
      clearTimeout(timer)
      const peak = watchPeak(child.pid)
      resolve({
        url: m[1],
        pid: child.pid,
        /** Graceful stop (SIGTERM); resolves the server's peak RSS in bytes. */
        stop: async () => {
          const rss = peak.stop()
          if (child.exitCode === null) child.kill('SIGTERM')
          await exited
          process.off('exit', reap)
          return rss
        }
      })
    })
  })
