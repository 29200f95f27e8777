/** Command-line options of bench/run.mjs. */
import path from 'node:path'
import { DEFAULT_REPORT, DEFAULT_WORK_DIR } from './paths.mjs'

export const BENCHMARKS = ['decode', 'import', 'rebuild', 'queries', 'disk', 'webhook', 'feed', 'peer', 'esdb', 'soak']
/** Benchmarks measured at each log size (the others run once, after them). */
export const PER_SIZE = ['decode', 'import', 'rebuild', 'queries', 'disk']

export const USAGE = `Usage: node bench/run.mjs [options]   (npm run bench: everything at 1,000,000 notifications)

  --size <n>           notifications in the dataset (default 1000000)
  --base-size <n>      with --size above it, the log-size benchmarks run at this size first, in the same run,
                       and the report puts both side by side (default 1000000)
  --no-base            only --size
  --only <list>        comma-separated subset of: ${BENCHMARKS.join(', ')}
  --peer-size <n>      notifications offered to the peer (default: min(smallest size, 100000))
  --peer-seconds <s>   the peer stops after this long and its rate is taken over what it did (default 60)
  --no-peer            skip the peer (no install)
  --webhook-seconds <s>      duration of the webhook load (default 20)
  --webhook-connections <c>  concurrent connections of the load generator (default 50)
  --feed-seconds <s>   duration of the feed load (default 60)
  --feed-clients <n>   concurrent GET /feed clients (default 200)
  --feed-calls <n>     calls in progress when the feed load starts (default 500)
  --feed-rate <n>      notifications/s posted during the feed load (default 50)
  --soak-minutes <m>   soak: callstate serve on the imported log of --size under steady webhook load, RSS
                       sampled every minute (default 10; the issue asks for 60: --only soak --soak-minutes 60)
  --soak-seconds <s>   the soak's duration in seconds instead (short checks)
  --soak-sample-seconds <s>  how often the soak reads the server's RSS (default 60)
  --soak-rate <n>      notifications/s posted during the soak (default 300)
  --esdb-size <n>      EventStoreDB: notifications imported per delay (default 5000, to keep the default run short;
                       the issue's 20,000-line import: --only esdb --esdb-size 20000). Webhook bodies: the next
                       lines of the dataset, up to 50000
  --esdb-delays <list> EventStoreDB: delays per call of the test double, ms, comma-separated (default 1,5,20)
  --esdb-webhook-seconds <s>      EventStoreDB: duration of the two-node webhook load per delay (default 10)
  --esdb-webhook-connections <c>  EventStoreDB: connections of that load, split over the two nodes (default 32)
  --esdb-step-minutes <m>         EventStoreDB: a step (import, catch-up, convergence) stopped after this (default 5)
                       The commands inherit CALLSTATE_ESDB_TIMEOUT_MS and CALLSTATE_ESDB_CONCURRENCY when set.
  --query-seconds <s>  a query figure stops after this long (with fewer samples when slow; default 30)
  --work <dir>         scratch directory: dataset, stores (default bench/.work)
  --out <file>         report to append to (default BENCHMARKS.md)
  --help`

const positiveInt = (name, raw) => {
  const n = Number(raw)
  if (!/^\d+$/.test(String(raw)) || !Number.isSafeInteger(n) || n < 1)
    throw new Error(`${name} must be a positive integer, got "${raw}"`)
  return n
}

/** A comma-separated list of delays in ms (0 allowed: no added latency). */
const delays = (name, raw) => {
  const list = raw.split(',').map((s) => s.trim())
  if (list.length === 0 || list.some((d) => !/^\d+$/.test(d)))
    throw new Error(`${name} must be a comma-separated list of whole milliseconds, got "${raw}"`)
  return list.map(Number)
}

/** Parses argv; throws an Error with a one-line message on bad usage. */
export const parseArgs = (argv) => {
  const o = {
    size: 1_000_000,
    baseSize: 1_000_000,
    only: [...BENCHMARKS],
    peerSize: undefined,
    peer: true,
    peerSeconds: 60,
    webhookSeconds: 20,
    webhookConnections: 50,
    feedSeconds: 60,
    feedClients: 200,
    feedCalls: 500,
    feedRate: 50,
    soakSeconds: 600,
    soakSampleSeconds: 60,
    soakRate: 300,
    querySeconds: 30,
    esdbSize: 5_000,
    esdbDelays: [1, 5, 20],
    esdbWebhookSeconds: 10,
    esdbWebhookConnections: 32,
    esdbStepMinutes: 5,
    work: DEFAULT_WORK_DIR,
    out: DEFAULT_REPORT,
    help: false
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${arg} needs a value`)
      return v
    }
    switch (arg) {
      case '--size':
        o.size = positiveInt(arg, value())
        break
      case '--base-size':
        o.baseSize = positiveInt(arg, value())
        break
      case '--no-base':
        o.baseSize = undefined
        break
      case '--only': {
        const list = value()
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
        const unknown = list.filter((b) => !BENCHMARKS.includes(b))
        if (unknown.length > 0)
          throw new Error(`unknown benchmark(s): ${unknown.join(', ')} (known: ${BENCHMARKS.join(', ')})`)
        o.only = list
        break
      }
      case '--peer-size':
        o.peerSize = positiveInt(arg, value())
        break
      case '--peer-seconds':
        o.peerSeconds = positiveInt(arg, value())
        break
      case '--no-peer':
        o.peer = false
        break
      case '--webhook-seconds':
        o.webhookSeconds = positiveInt(arg, value())
        break
      case '--webhook-connections':
        o.webhookConnections = positiveInt(arg, value())
        break
      case '--feed-seconds':
        o.feedSeconds = positiveInt(arg, value())
        break
      case '--feed-clients':
        o.feedClients = positiveInt(arg, value())
        break
      case '--feed-calls':
        o.feedCalls = positiveInt(arg, value())
        break
      case '--feed-rate':
        o.feedRate = positiveInt(arg, value())
        break
      case '--soak-minutes':
        o.soakSeconds = 60 * positiveInt(arg, value())
        break
      case '--soak-seconds':
        o.soakSeconds = positiveInt(arg, value())
        break
      case '--soak-sample-seconds':
        o.soakSampleSeconds = positiveInt(arg, value())
        break
      case '--soak-rate':
        o.soakRate = positiveInt(arg, value())
        break
      case '--esdb-size':
        o.esdbSize = positiveInt(arg, value())
        break
      case '--esdb-delays':
        o.esdbDelays = delays(arg, value())
        break
      case '--esdb-webhook-seconds':
        o.esdbWebhookSeconds = positiveInt(arg, value())
        break
      case '--esdb-webhook-connections':
        o.esdbWebhookConnections = positiveInt(arg, value())
        break
      case '--esdb-step-minutes':
        o.esdbStepMinutes = positiveInt(arg, value())
        break
      case '--query-seconds':
        o.querySeconds = positiveInt(arg, value())
        break
      case '--work':
        o.work = path.resolve(value())
        break
      case '--out':
        o.out = path.resolve(value())
        break
      case '--help':
      case '-h':
        o.help = true
        break
      default:
        throw new Error(`unknown option ${arg}`)
    }
  }
  if (!o.peer) o.only = o.only.filter((b) => b !== 'peer')
  // The sizes of the log-size benchmarks, smallest first: the base size, then --size when it is larger.
  o.sizes = o.baseSize !== undefined && o.size > o.baseSize ? [o.baseSize, o.size] : [o.size]
  // The peer takes the first notifications of the smallest size's file.
  o.peerSize = Math.min(o.peerSize ?? Math.min(o.sizes[0], 100_000), o.sizes[0])
  return o
}
