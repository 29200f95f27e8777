/**
 * The RingCentral platform TEST DOUBLE as a process, for trying the connector by hand where no RingCentral account
 * is reachable (`npm run ringcentral-double`). It prints the four RINGCENTRAL_* variables to give callstate, waits
 * for callstate to subscribe, then plays the real captures as a demo of what the connector survives:
 *   1. payload 02, a whole internal call;
 *   2. payload 01, with the WebSocket dropped in the middle: the rest is sent while callstate is away, and the
 *      platform redelivers it when callstate recovers the session;
 *   3. payload 03 up to the second Answered, then the platform forgets the call without sending its Disconnected:
 *      callstate's reconciliation finds out (within a minute: the capture's last event is long past
 *      --reconcile-after).
 * Then it keeps serving until Ctrl-C. Options: --port <n> (default 18081), --no-demo (serve only).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { capture, startRingCentralDouble, until, type Envelope } from '../test/doubles/ringcentral/index.js'

const args = process.argv.slice(2)
const portArg = args.indexOf('--port')
const port = portArg >= 0 ? Number(args[portArg + 1]) : 18081
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write('ringcentral-double: --port wants a TCP port\n')
  process.exit(2)
}
const payloads = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`

const P01 = '01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json'
const P02 = '02-rc-to-rc-internal-answered-hold-unhold-hangup.json'
const P03 = '03-rc-to-pstn-outbound-answered-hold-unhold-hangup.json'

const envelopes = (file: string): Envelope[] => {
  const value: unknown = JSON.parse(readFileSync(path.join(payloads, file), 'utf8'))
  const count = Array.isArray(value) ? value.length : 0
  return Array.from({ length: count }, (_, i) => capture(file, i))
}

const say = (line: string): void => {
  process.stdout.write(`ringcentral-double: ${line}\n`)
}
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const double = await startRingCentralDouble({ port })
say(`TEST DOUBLE of the RingCentral platform listening on ${double.url}`)
process.stdout.write(
  [
    '',
    'Give callstate these (another terminal), then run it, e.g. npm start:',
    `  export RINGCENTRAL_SERVER_URL=${double.url}`,
    `  export RINGCENTRAL_CLIENT_ID=${double.clientId}`,
    `  export RINGCENTRAL_CLIENT_SECRET=${double.clientSecret}`,
    `  export RINGCENTRAL_JWT_TOKEN=${double.jwt}`,
    ''
  ].join('\n') + '\n'
)

const stop = (): void => {
  void double.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

if (!args.includes('--no-demo')) {
  const subscribed = (): boolean =>
    double.subscriptions().some((s) => s.transportType === 'WebSocket' && s.status === 'Active')
  say('waiting for callstate to subscribe over WebSocket...')
  await until('a WebSocket subscription', subscribed, 24 * 3600 * 1000)
  say('subscribed: playing payload 02 (a whole internal call)')
  for (const e of envelopes(P02)) {
    await double.publish(e)
    await pause(150)
  }
  const p01 = envelopes(P01)
  say('payload 01: three events, then the connection drops')
  for (const e of p01.slice(0, 3)) {
    await double.publish(e)
    await pause(150)
  }
  double.dropConnections()
  let buffered = 0
  for (const e of p01.slice(3)) {
    const report = await double.publish(e)
    buffered += report.webSocket.filter((d) => d.delivery === 'buffered').length
  }
  say(`${buffered} events sent while callstate was away: held for the session's recovery`)
  await until('callstate to reconnect', subscribed, 600_000)
  const p03 = envelopes(P03)
  const id = typeof p03[0]?.body === 'object' ? String(Reflect.get(p03[0].body ?? {}, 'telephonySessionId')) : ''
  say(`payload 03 up to the second Answered (session ${id}); then the platform forgets it, no Disconnected sent`)
  double.setSession(id, [])
  for (const e of p03.slice(0, 7)) {
    await double.publish(e)
    await pause(150)
  }
  double.endSession(id)
  say(`done. Within a minute callstate's reconciliation ends ${id}: callstate session ${id}`)
}
