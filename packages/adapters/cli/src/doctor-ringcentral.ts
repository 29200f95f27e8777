/**
 * `callstate doctor`'s RingCentral check: with credentials in the environment, log in and look at the
 * subscriptions (the one `serve --public-url` keeps, when there is one), within the time bound of network checks.
 */
import * as E from 'fp-ts/lib/Either.js'
import fs from 'node:fs'
import {
  credentialsFromEnv,
  describeRcFailure,
  listSubscriptions,
  openPlatform,
  type SubscriptionInfo
} from '@callstate/ringcentral'
import { webhookStateFile } from './ringcentral.js'
import { result, within, type CheckResult, type DoctorOptions } from './doctor-result.js'

const describeSubscription = (s: SubscriptionInfo): string =>
  `${s.id} ${s.status} ${s.transport ?? ''}${s.address !== null ? ` to ${s.address}` : ''}, expires ${s.expirationTime ?? 'never'}`

/** The RingCentral subscription, when credentials are in the environment (optional; bounded in time). */
export const checkRingCentral = async (o: DoctorOptions): Promise<CheckResult | undefined> => {
  const credentials = credentialsFromEnv(o.env)
  if (E.isLeft(credentials))
    return result('ringcentral', 'fail', credentials.left.message, 'fix the RINGCENTRAL_* variables')
  if (credentials.right === undefined) return undefined
  const platform = openPlatform(credentials.right)
  const work = async (): Promise<CheckResult> => {
    const login = await platform.login()
    if (E.isLeft(login))
      return result(
        'ringcentral',
        'fail',
        `login: ${describeRcFailure(login.left)}`,
        'check the RINGCENTRAL_* credentials'
      )
    const listed = await listSubscriptions(platform)
    if (E.isLeft(listed))
      return result(
        'ringcentral',
        'fail',
        `cannot list subscriptions: ${listed.left._tag === 'Refused' ? `${listed.left.status} ${listed.left.message}` : describeRcFailure(listed.left)}`,
        'check the app permissions (WebhookSubscriptions)'
      )
    const active = listed.right.filter((s) => s.status === 'Active')
    // serve --public-url keeps its webhook subscription id in the data directory: that one must be active.
    let kept: string | undefined
    try {
      const state: unknown = JSON.parse(fs.readFileSync(webhookStateFile(o.dataDir), 'utf8'))
      const id = typeof state === 'object' && state !== null ? Reflect.get(state, 'id') : undefined
      kept = typeof id === 'string' ? id : undefined
    } catch {
      kept = undefined
    }
    const figures = { subscriptions: listed.right.length, active: active.length, kept: kept ?? null }
    const list = listed.right.map(describeSubscription).join('; ')
    if (kept !== undefined && !active.some((s) => s.id === kept))
      return result(
        'ringcentral',
        'fail',
        `the webhook subscription ${kept} kept in the data directory is not active (${list || 'no subscriptions'})`,
        'restart serve --public-url (it creates a new one) or `callstate subscription create`',
        figures
      )
    if (active.length === 0)
      return result(
        'ringcentral',
        'warn',
        `logged in; no active subscription (${list || 'none'})`,
        'serve --public-url, `callstate connect`, or `callstate subscription create` make one',
        figures
      )
    return result(
      'ringcentral',
      'ok',
      `logged in; ${active.length} active: ${active.map(describeSubscription).join('; ')}`,
      undefined,
      figures
    )
  }
  try {
    return await within(
      o.timeoutMs,
      work(),
      result(
        'ringcentral',
        'fail',
        `RingCentral did not answer within ${o.timeoutMs} ms`,
        'check RINGCENTRAL_SERVER_URL and the network'
      )
    )
  } finally {
    await within(o.timeoutMs, platform.logout(), undefined)
  }
}
