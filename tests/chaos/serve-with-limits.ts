/**
 * `callstate serve` with limits the binary has no flags for (short timeouts, so the test suite need not wait out the
 * production ones): the same `startServe`, run as its own process by ./serve-child.ts. Argument: a JSON object
 * `{ dataDir, logLevel, limits }`. Writes `listening on <url>` to stderr like the binary, stops on SIGTERM.
 */
import * as E from 'fp-ts/lib/Either.js'
import { startServe } from '@callstate/cli'
import type { ClientLimits } from '@callstate/http'

interface Args {
  readonly dataDir: string
  readonly logLevel: string
  readonly limits: Partial<ClientLimits>
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args
const started = await startServe({
  host: '127.0.0.1',
  port: 0,
  webhookPath: '/webhook',
  bodyLimit: 1024 * 1024,
  staleAfterMs: 4 * 3600 * 1000,
  logLevel: args.logLevel,
  dataDir: args.dataDir,
  limits: args.limits,
  ...(process.env['CALLSTATE_API_TOKEN'] !== undefined ? { apiToken: process.env['CALLSTATE_API_TOKEN'] } : {}),
  ...(process.env['CALLSTATE_VERIFICATION_TOKEN'] !== undefined
    ? { verificationToken: process.env['CALLSTATE_VERIFICATION_TOKEN'] }
    : {})
})
if (E.isLeft(started)) {
  process.stderr.write(`callstate serve: ${started.left.message}\n`)
  process.exit(1)
}
const server = started.right
process.stderr.write(`callstate serve: listening on ${server.url}\n`)
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)))
