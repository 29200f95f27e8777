/**
 * `callstate subscription create|list|renew|delete`: RingCentral webhook subscriptions by hand, with the
 * credentials in the environment. `create` chooses the verification token itself and keeps it, with the
 * subscription id, in <data-dir>/ringcentral-webhook.json (mode 0600), the file `serve --public-url` keeps: a serve
 * started with the same address goes on with that subscription and checks that token. No secret is printed.
 */
import { randomBytes } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import { Option, type Command } from 'commander'
import Table from 'cli-table3'
import { parseDuration } from '@callstate/projections'
import {
  createWebhookSubscription,
  credentialsFromEnv,
  deleteSubscription,
  describeRcFailure,
  keepWebhookState,
  listSubscriptions,
  openPlatform,
  renewSubscription,
  type Platform,
  type SubscriptionFailure,
  type SubscriptionInfo
} from '@callstate/ringcentral'
import { DEFAULTS } from '@callstate/http'
import { webhookAddress, webhookStateFile, DEFAULT_EVENT_FILTERS_HELP, eventFiltersOf } from '../ringcentral.js'
import { failure, globalOptions, out, run, tableStyle, usage, type CliFailure } from '../run.js'

/** The longest wait for the login rate limit before giving up (the Auth group's window is a minute). */
const MAX_LOGIN_WAIT_MS = 70_000

const words = (f: SubscriptionFailure): string =>
  f._tag === 'Refused' ? `RingCentral answered ${f.status}: ${f.message}` : describeRcFailure(f)

/** Logged in with the environment's credentials for the body, logged out after, whatever happens. */
const withPlatform = async (
  body: (platform: Platform) => Promise<E.Either<CliFailure, void>>
): Promise<E.Either<CliFailure, void>> => {
  const credentials = credentialsFromEnv(process.env)
  if (E.isLeft(credentials)) return E.left(usage(credentials.left.message))
  if (credentials.right === undefined)
    return E.left(
      usage(
        'no RingCentral credentials: set RINGCENTRAL_SERVER_URL, RINGCENTRAL_CLIENT_ID, RINGCENTRAL_CLIENT_SECRET ' +
          'and RINGCENTRAL_JWT_TOKEN (see callstate subscription --help)'
      )
    )
  const platform = openPlatform(credentials.right)
  let login = await platform.login()
  // Logins are rate-limited (the Auth group, a few a minute): a short wait is better than a failed command.
  if (E.isLeft(login) && login.left._tag === 'RateLimited' && login.left.retryAfterMs <= MAX_LOGIN_WAIT_MS) {
    const waitMs = login.left.retryAfterMs
    process.stderr.write(`callstate: RingCentral's login rate limit: waiting ${Math.ceil(waitMs / 1000)} s\n`)
    await new Promise((resolve) => setTimeout(resolve, waitMs))
    login = await platform.login()
  }
  if (E.isLeft(login)) return E.left(failure(describeRcFailure(login.left)))
  try {
    return await body(platform)
  } finally {
    await platform.logout()
  }
}

const infoJson = (s: SubscriptionInfo): Record<string, unknown> => ({
  id: s.id,
  status: s.status,
  transport: s.transport,
  address: s.address,
  expirationTime: s.expirationTime,
  eventFilters: s.eventFilters,
  ...(s.blacklistedReason !== null ? { blacklistedReason: s.blacklistedReason } : {})
})

const describe = (s: SubscriptionInfo): string =>
  `subscription ${s.id}: ${s.status}, ${s.transport ?? 'unknown transport'}` +
  `${s.address !== null ? ` to ${s.address}` : ''}, expires ${s.expirationTime ?? 'never'}` +
  `${s.blacklistedReason !== null ? ` (${s.blacklistedReason})` : ''}`

const jsonOf = (cmd: Command): boolean => globalOptions(cmd).json || cmd.opts()['json'] === true

export const register = (program: Command): void => {
  const subscription = program
    .command('subscription')
    .description(
      'Manage RingCentral webhook subscriptions (create, list, renew, delete) with the credentials in the environment.'
    )
    .addHelpText(
      'after',
      `
Credentials: RINGCENTRAL_SERVER_URL, RINGCENTRAL_CLIENT_ID, RINGCENTRAL_CLIENT_SECRET, RINGCENTRAL_JWT_TOKEN (or
..._FILE for the two secrets). The server at the address must be running: RingCentral checks it when the
subscription is created (the validation handshake, which callstate serve answers).

You rarely need these: callstate serve subscribes over WebSocket by itself, and serve --public-url keeps a
webhook subscription alive on its own (renewed before expiry, re-created when suspended or blacklisted).

Examples:
  $ callstate subscription create https://callstate.example.com/webhook
  $ callstate subscription list --json
  $ callstate subscription renew 8f3c2c8e-...
  $ callstate subscription delete 8f3c2c8e-...`
    )

  subscription
    .command('create <address>')
    .description('Create a webhook subscription to <address> (https), with a verification token chosen for it.')
    .addOption(
      new Option('--event-filter <filter>', `event filter (repeat for several; ${DEFAULT_EVENT_FILTERS_HELP})`)
        .env('CALLSTATE_EVENT_FILTERS')
        .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    )
    .option('--expires-in <duration>', 'lifetime asked for (the platform may shorten it)', '3650d')
    .option('--json', 'print the subscription as JSON')
    .addHelpText(
      'after',
      `
The verification token is kept with the subscription id in <data-dir>/ringcentral-webhook.json (mode 0600), not
printed: start callstate serve --public-url <address> on the same data directory and it checks that token and
keeps the subscription alive.`
    )
    .action((address: string, _opts: unknown, cmd: Command) =>
      run(() =>
        withPlatform(async (platform) => {
          const opts = cmd.opts()
          const target = webhookAddress(address, DEFAULTS.webhookPath)
          if (E.isLeft(target)) return E.left(usage(target.left.replace('--public-url', 'address')))
          const filters = eventFiltersOf(opts['eventFilter'])
          if (E.isLeft(filters)) return E.left(usage(filters.left))
          const life = parseDuration(String(opts['expiresIn']))
          if (E.isLeft(life)) return E.left(usage(`--expires-in: ${life.left}`))
          const verificationToken = randomBytes(24).toString('base64url')
          const created = await createWebhookSubscription(platform, {
            address: target.right,
            verificationToken,
            eventFilters: filters.right,
            expiresIn: Math.max(1, Math.round(life.right / 1000))
          })
          if (E.isLeft(created)) return E.left(failure(words(created.left)))
          const file = webhookStateFile(globalOptions(cmd).dataDir)
          const kept = keepWebhookState(file, { id: created.right.id, address: target.right, verificationToken })
          if (jsonOf(cmd)) out(JSON.stringify({ ...infoJson(created.right), stateFile: file }, null, 2))
          else {
            out(`created ${describe(created.right)}`)
            out(`its verification token is kept in ${file} (serve --public-url ${target.right} checks it)`)
          }
          return E.isLeft(kept)
            ? E.left(failure(`the subscription was created but its token could not be kept: ${kept.left}`))
            : E.right(undefined)
        })
      )
    )

  subscription
    .command('list')
    .description("List the app's subscriptions: id, status, transport, address, expiry.")
    .option('--json', 'print a JSON array')
    .action((_opts: unknown, cmd: Command) =>
      run(() =>
        withPlatform(async (platform) => {
          const listed = await listSubscriptions(platform)
          if (E.isLeft(listed)) return E.left(failure(words(listed.left)))
          if (jsonOf(cmd)) {
            out(JSON.stringify(listed.right.map(infoJson), null, 2))
            return E.right(undefined)
          }
          if (listed.right.length === 0) {
            out('no subscriptions')
            return E.right(undefined)
          }
          const table = new Table({
            head: ['id', 'status', 'transport', 'address', 'expires', 'filters'],
            ...tableStyle()
          })
          for (const s of listed.right)
            table.push([
              s.id,
              s.status + (s.blacklistedReason !== null ? ` (${s.blacklistedReason})` : ''),
              s.transport ?? '-',
              s.address ?? '-',
              s.expirationTime ?? '-',
              String(s.eventFilters.length)
            ])
          out(table.toString())
          return E.right(undefined)
        })
      )
    )

  subscription
    .command('renew <id>')
    .description('Renew a subscription now (its expiry moves forward).')
    .option('--json', 'print the subscription as JSON')
    .action((id: string, _opts: unknown, cmd: Command) =>
      run(() =>
        withPlatform(async (platform) => {
          const renewed = await renewSubscription(platform, id)
          if (E.isLeft(renewed)) return E.left(failure(words(renewed.left)))
          out(jsonOf(cmd) ? JSON.stringify(infoJson(renewed.right), null, 2) : `renewed ${describe(renewed.right)}`)
          return E.right(undefined)
        })
      )
    )

  subscription
    .command('delete <id>')
    .description('Delete a subscription (RingCentral stops delivering to it).')
    .action((id: string) =>
      run(() =>
        withPlatform(async (platform) => {
          const gone = await deleteSubscription(platform, id)
          if (E.isLeft(gone)) return E.left(failure(words(gone.left)))
          out(`deleted subscription ${id}`)
          return E.right(undefined)
        })
      )
    )
}
