/**
 * `callstate connect`: the RingCentral connection without the HTTP server, for a worker that only ingests. It logs
 * in with the credentials in the environment, subscribes over WebSocket, stores every notification in the log (the
 * webhook's ingest path), keeps the read models following the log, and reconciles calls whose end never came.
 * Runs until SIGTERM/SIGINT.
 */
import * as E from 'fp-ts/lib/Either.js'
import { Option, type Command } from 'commander'
import { createRunner, describeStoreFailure } from '@callstate/projections'
import { createLogger, DEFAULTS, LOG_LEVELS, webhookCommit } from '@callstate/http'
import { openReadModels } from '@callstate/readmodels'
import { startConnector } from '@callstate/ringcentral'
import { followLog } from '../follow.js'
import { esdbChoice, openStore } from '../open-store.js'
import { addConnectionOptions, CONNECTION_HELP, receiveThrough, ringCentralSetup } from '../ringcentral.js'
import { failure, globalOptions, run, usage } from '../run.js'
import { untilSignalled } from '../signals.js'

/** While something is wrong, the alerts are logged this often (there is no /health to look at). */
const ALERT_EVERY_MS = 60_000

export const register = (program: Command): void => {
  const command = program
    .command('connect')
    .description(
      'Subscribe to RingCentral over WebSocket and store every notification, without the HTTP server ' +
        '(runs until SIGTERM/SIGINT).'
    )
    .addOption(
      new Option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
        .env('CALLSTATE_LOG_LEVEL')
        .default(DEFAULTS.logLevel)
    )
  addConnectionOptions(command)
    .addHelpText(
      'after',
      `
${CONNECTION_HELP.trim()}
The four variables are required here. Logs are JSON lines on stdout; while the connection has an alert (not
subscribed, no notification for 30 min, refused token refresh), it is logged every minute. Query the data with
the other commands (or a serve process on the same data directory, started without credentials).

Examples:
  $ export RINGCENTRAL_SERVER_URL=https://platform.ringcentral.com RINGCENTRAL_CLIENT_ID=...
  $ export RINGCENTRAL_CLIENT_SECRET_FILE=/run/secrets/rc-secret RINGCENTRAL_JWT_TOKEN_FILE=/run/secrets/rc-jwt
  $ callstate --data-dir /var/lib/callstate connect
  $ callstate connect --event-filter /restapi/v1.0/account/~/telephony/sessions --reconcile-after 30m`
    )
    .action((_opts: unknown, cmd: Command) =>
      run(async () => {
        const global = globalOptions(cmd)
        const opts = cmd.opts()
        const setup = ringCentralSetup(opts, process.env, DEFAULTS.webhookPath)
        if (E.isLeft(setup)) return E.left(usage(setup.left))
        if (setup.right === undefined)
          return E.left(
            usage(
              'no RingCentral credentials: set RINGCENTRAL_SERVER_URL, RINGCENTRAL_CLIENT_ID, ' +
                'RINGCENTRAL_CLIENT_SECRET and RINGCENTRAL_JWT_TOKEN (see callstate connect --help)'
            )
          )
        const rc = setup.right
        const logLevel = typeof opts['logLevel'] === 'string' ? opts['logLevel'] : DEFAULTS.logLevel
        if (!LOG_LEVELS.some((l) => l === logLevel))
          return E.left(usage(`--log-level: one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`))
        const logger = createLogger(logLevel)
        const opened = await openStore({
          dataDir: global.dataDir,
          durability: 'full',
          ...esdbChoice(global)
        })()
        if (E.isLeft(opened)) return E.left(failure(`cannot open the store: ${describeStoreFailure(opened.left)}`))
        const store = opened.right
        const readModelsOpened = openReadModels({ dataDir: global.dataDir })
        if (E.isLeft(readModelsOpened)) {
          await store.close()
          return E.left(failure(`cannot open the read models: ${readModelsOpened.left.cause}`))
        }
        const readModels = readModelsOpened.right
        const commit = webhookCommit({ store, now: () => new Date() })
        const log = {
          info: (fields: Record<string, unknown>, message: string) => logger.info(fields, message),
          warn: (fields: Record<string, unknown>, message: string) => logger.warn(fields, message)
        }
        let stopping = false
        const started = await startConnector({
          credentials: rc.credentials,
          mode: { kind: 'websocket' },
          eventFilters: rc.eventFilters,
          reconcileQuietMs: rc.reconcileAfterMs,
          receive: receiveThrough(
            async () => commit,
            log,
            () => stopping
          ),
          store,
          readModels,
          log
        })
        if (E.isLeft(started)) {
          readModels.close()
          await store.close()
          return E.left(failure(started.left))
        }
        const connector = started.right
        const following = followLog(createRunner(store, readModels), logger)
        const alerts = setInterval(() => {
          const status = connector.status()
          if (status.alerts.length > 0) logger.warn({ alerts: status.alerts }, 'RingCentral connection needs a look')
        }, ALERT_EVERY_MS)
        process.stderr.write(
          `callstate connect: logged in to ${rc.credentials.serverUrl}; subscribing over WebSocket; ` +
            `notifications go to ${global.esdb ?? global.dataDir}\n`
        )
        await untilSignalled('connect', async () => {
          stopping = true
          clearInterval(alerts)
          await connector.stop()
          await commit.drain()
          await following.close()
          const saved = following.checkpoint()
          readModels.close()
          await store.close()
          logger.info({ checkpoint: saved }, 'stopped')
        })
        return E.right(undefined)
      })
    )
}
