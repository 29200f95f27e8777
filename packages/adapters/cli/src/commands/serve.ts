/**
 * `callstate serve`: the RingCentral webhook receiver and the HTTP query API in one process, with the
 * projections following the log live. Runs until SIGTERM/SIGINT, then shuts down gracefully and exits 0.
 */
import * as E from 'fp-ts/lib/Either.js'
import { Option, type Command } from 'commander'
import { DEFAULTS, parseServeFlags } from '@callstate/http'
import { startupHint } from '@callstate/http'
import { esdbChoice } from '../open-store.js'
import { startServe } from '../serve-app.js'
import { failure, globalOptions, run, usage } from '../run.js'
import { untilSignalled } from '../signals.js'
import { addConnectionOptions, CONNECTION_HELP, ringCentralSetup } from '../ringcentral.js'

const connectionHint = (serverUrl: string, publicUrl: string | undefined): string =>
  (publicUrl === undefined
    ? `RingCentral: logged in to ${serverUrl}; subscribing over WebSocket (no inbound address needed)`
    : `RingCentral: logged in to ${serverUrl}; webhook subscription to ${publicUrl}`) +
  '\n  connection state: GET /health (connection), metrics callstate_ringcentral_*\n'

export const register = (program: Command): void => {
  const command = program
    .command('serve')
    .description(
      'Receive RingCentral notifications (subscribing by itself when credentials are set, or by webhook) and answer ' +
        'call-state queries over HTTP (runs until SIGTERM/SIGINT).'
    )
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
    .addOption(
      new Option(
        '--public-url <url>',
        'with RingCentral credentials: keep a webhook subscription to this public https address (behind it, this ' +
          'server) instead of the WebSocket; a bare https://host means its webhook path'
      ).env('CALLSTATE_PUBLIC_URL')
    )
  addConnectionOptions(command)
    .addHelpText(
      'after',
      `
${CONNECTION_HELP.trim()}
With --public-url, it creates a webhook subscription to that address instead (with a verification token of its
own, kept in <data-dir>/ringcentral-webhook.json), renews it before expiry and re-creates it when RingCentral
suspends or blacklists it. Either way, calls that look live but had no event for --reconcile-after are checked
with RingCentral, and the ones it no longer knows are ended. The connection shows in /health and /metrics.

Logs are JSON lines on stdout (one per request; tokens redacted). The listening address and a curl example
go to stderr. Without a verification token every notification is accepted: a warning says so at start.

Routes: POST <webhook-path>, GET /calls/active, /sessions, /sessions/:id, /sessions/:id/audit,
/extensions/:id/presence, /stats, /quarantine, /feed (SSE), /health, /metrics, /openapi.json.

Shutdown (SIGTERM/SIGINT): stops accepting (new requests get 503), finishes in-flight appends, stops the
projections at a committed checkpoint, exits 0. A second signal exits at once with code 1.

Examples:
  $ RINGCENTRAL_SERVER_URL=https://platform.ringcentral.com RINGCENTRAL_CLIENT_ID=... \
    RINGCENTRAL_CLIENT_SECRET=... RINGCENTRAL_JWT_TOKEN=... callstate serve
  $ callstate serve --public-url https://callstate.example.com     (credentials in the environment)
  $ CALLSTATE_VERIFICATION_TOKEN=s3cret callstate serve --port 8080
  $ callstate --data-dir /var/lib/callstate serve --host 0.0.0.0 --stale-after 30m
  $ CALLSTATE_API_TOKEN=reader-token callstate serve`
    )
    .action((_opts: unknown, cmd: Command) =>
      run(async () => {
        const global = globalOptions(cmd)
        const flags = parseServeFlags(cmd.opts())
        if (E.isLeft(flags)) return E.left(usage(flags.left))
        const ringCentral = ringCentralSetup(cmd.opts(), process.env, flags.right.webhookPath)
        if (E.isLeft(ringCentral)) return E.left(usage(ringCentral.left))
        const started = await startServe({
          ...flags.right,
          ...(ringCentral.right !== undefined ? { ringCentral: ringCentral.right } : {}),
          dataDir: global.dataDir,
          ...esdbChoice(global)
        })
        if (E.isLeft(started)) return E.left(failure(started.left.message))
        const server = started.right
        process.stderr.write(
          startupHint(server.url, flags.right.webhookPath, flags.right.verificationToken !== undefined)
        )
        if (ringCentral.right !== undefined)
          process.stderr.write(connectionHint(ringCentral.right.credentials.serverUrl, ringCentral.right.publicUrl))
        await untilSignalled('serve', server.stop)
        return E.right(undefined)
      })
    )
}
