/**
 * How a long-running command (`serve`, `connect`) ends: the first SIGTERM/SIGINT runs its graceful stop; a second
 * one, or a stop that hangs longer than the grace period, exits at once with code 1.
 */

/** After a signal, how long the graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 15_000

export const untilSignalled = (name: string, stop: () => Promise<void>): Promise<void> =>
  new Promise<void>((resolve) => {
    let signalled = false
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        process.stderr.write(`callstate ${name}: second ${signal}, exiting without finishing\n`)
        process.exit(1)
      }
      signalled = true
      process.stderr.write(`callstate ${name}: ${signal} received, shutting down\n`)
      // If something keeps hanging, do not hang with it; unref'd, so it never keeps the process alive.
      setTimeout(() => {
        process.stderr.write(`callstate ${name}: shutdown took too long, exiting\n`)
        process.exit(1)
      }, SHUTDOWN_GRACE_MS).unref()
      void stop().then(resolve)
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  })
