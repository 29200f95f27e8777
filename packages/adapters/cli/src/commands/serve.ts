/**
 * `callstate serve`: the RingCentral webhook receiver and the HTTP query API in one process, with the
 * projections following the log live. Runs until SIGTERM/SIGINT, then shuts down gracefully and exits 0.
 */
import * as E from 'fp-ts/lib/Either.js'
import { Option, type Command } from 'commander'
import { DEFAULTS, parseServeFlags } from '@callstate/http'
import { startupHint } from '@callstate/http'
import { startServe } from '../serve-app.js'
import { failure, globalOptions, run, usage } from '../run.js'

/** After a signal, how long the graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 15_000

export const register = (program: Command): void => {
  program
    .command('serve')
    .description('Receive RingCentral webhooks and answer call-state queries over HTTP (runs until SIGTERM/SIGINT).')
    .addOption(new Option('--host <host>', 'interface to listen on').env('CALLSTATE_HOST').default(DEFAULTS.host))
    .addOption(new Option('--port <port>', 'TCP port (0: any free port)').env('CALLSTATE_PORT').default('8080'))
    .addOption(
      new Option('--webhook-path <path>', 'path of the webhook route')
        .env('CALLSTATE_WEBHOOK_PATH')
        .default(DEFAULTS.webhookPath)
    )
    .addOption(
      new Option('--body-limit <size>', 'largest notification body (bytes, or 512kb, 1mb); larger gets 413')
        .env('CALLSTATE_BODY_LIMIT')
        .default('1mb')
    )
    .addOption(
      new Option(
        '--verification-token <token>',
        "RingCentral subscription's verification token; notifications without it get 401 (prefer the env var)"
      ).env('CALLSTATE_VERIFICATION_TOKEN')
    )
    .addOption(
      new Option(
        '--api-token <token>',
        'require Authorization: Bearer <token> on the query API (prefer the env var)'
      ).env('CALLSTATE_API_TOKEN')
    )
    .addOption(
      new Option('--stale-after <duration>', 'a live call with no event for this long is reported stale')
        .env('CALLSTATE_STALE_AFTER')
        .default('4h')
    )
    .addOption(
      new Option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
        .env('CALLSTATE_LOG_LEVEL')
        .default(DEFAULTS.logLevel)
    )
    .addHelpText(
      'after',
      `
Logs are JSON lines on stdout (one per request; tokens redacted). The listening address and a curl example
go to stderr. Without a verification token every notification is accepted: a warning says so at start.

Routes: POST <webhook-path>, GET /calls/active, /sessions, /sessions/:id, /sessions/:id/audit,
/extensions/:id/presence, /stats, /quarantine, /feed (SSE), /health, /metrics, /openapi.json.

Shutdown (SIGTERM/SIGINT): stops accepting (new requests get 503), finishes in-flight appends, stops the
projections at a committed checkpoint, exits 0. A second signal exits at once with code 1.

Examples:
  $ CALLSTATE_VERIFICATION_TOKEN=s3cret callstate serve --port 8080
  $ callstate --data-dir /var/lib/callstate serve --host 0.0.0.0 --stale-after 30m
  $ CALLSTATE_API_TOKEN=reader-token callstate serve`
    )
    .action((_opts: unknown, cmd: Command) =>
      run(async () => {
        const global = globalOptions(cmd)
        const flags = parseServeFlags(cmd.opts())
        if (E.isLeft(flags)) return E.left(usage(flags.left))
        const started = await startServe({
          ...flags.right,
          dataDir: global.dataDir,
          ...(global.esdb !== undefined ? { esdb: global.esdb } : {})
        })
        if (E.isLeft(started)) return E.left(failure(started.left.message))
        const server = started.right
        process.stderr.write(
          startupHint(server.url, flags.right.webhookPath, flags.right.verificationToken !== undefined)
        )
        await new Promise<void>((resolve) => {
          let signalled = false
          const onSignal = (signal: NodeJS.Signals): void => {
            if (signalled) {
              process.stderr.write(`callstate serve: second ${signal}, exiting without finishing\n`)
              process.exit(1)
            }
            signalled = true
            process.stderr.write(`callstate serve: ${signal} received, shutting down\n`)
            // If something keeps hanging, do not hang with it; unref'd, so it never keeps the process alive.
            setTimeout(() => {
              process.stderr.write('callstate serve: shutdown took too long, exiting\n')
              process.exit(1)
            }, SHUTDOWN_GRACE_MS).unref()
            void server.stop().then(resolve)
          }
          process.on('SIGTERM', onSignal)
          process.on('SIGINT', onSignal)
        })
        return E.right(undefined)
      })
    )
}
