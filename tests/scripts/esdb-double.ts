/**
 * The EventStoreDB gRPC TEST DOUBLE as a process (`npm run esdb-double`), for trying `--esdb` where no EventStoreDB
 * server runs, for two `callstate serve` nodes to share, and for the benchmark's EventStoreDB section. It keeps its
 * log in memory (gone when it stops) and prints the connection string to give callstate.
 * Options: --port <n> (default 2113), --delay-ms <ms> (latency added to every call, default 0),
 * --hang-rate <0..1> (share of calls that never answer, default 0), --seed <n>.
 * It prints `esdb-double: listening on esdb://...` once ready, and stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util'
import { startEsdbGrpcDouble } from '../test/doubles/esdb-grpc-double.js'

const fail = (message: string): never => {
  process.stderr.write(`esdb-double: ${message}\n`)
  process.exit(2)
}

const parsed = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '2113' },
        'delay-ms': { type: 'string', default: '0' },
        'hang-rate': { type: 'string', default: '0' },
        seed: { type: 'string', default: '1' },
        help: { type: 'boolean', default: false }
      }
    }).values
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error))
  }
})()
if (parsed.help) {
  process.stdout.write(
    'Usage: npm run esdb-double -- [--port 2113] [--delay-ms 0] [--hang-rate 0] [--seed 1]\n' +
      'A TEST DOUBLE of an EventStoreDB node (in memory), speaking the real gRPC client protocol.\n'
  )
  process.exit(0)
}
const number = (name: string, text: string, ok: (n: number) => boolean): number => {
  const n = Number(text)
  return Number.isFinite(n) && ok(n) ? n : fail(`--${name} ${text}: not a valid value`)
}
const port = number('port', parsed.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535)
const delayMs = number('delay-ms', parsed['delay-ms'], (n) => n >= 0)
const hangRate = number('hang-rate', parsed['hang-rate'], (n) => n >= 0 && n <= 1)
const seed = number('seed', parsed.seed, (n) => Number.isInteger(n))

const double = await startEsdbGrpcDouble(port, { delayMs, hangRate, seed }).catch((error: unknown) =>
  fail(`cannot listen on port ${port}: ${error instanceof Error ? error.message : String(error)}`)
)
process.stdout.write(`esdb-double: listening on ${double.url} (TEST DOUBLE, in memory; delay ${delayMs} ms)\n`)
const stop = (): void => {
  void double.stop().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
