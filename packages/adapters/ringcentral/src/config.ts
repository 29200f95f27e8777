/**
 * RingCentral credentials, from the environment as RingCentral's SDK examples name them
 * (`RINGCENTRAL_SERVER_URL`, `RINGCENTRAL_CLIENT_ID`, `RINGCENTRAL_CLIENT_SECRET`, `RINGCENTRAL_JWT_TOKEN`), or, for
 * the two secrets, from a file named by `..._FILE` (a mounted secret). Never from command-line flags: a flag is
 * visible to every user of the machine (`ps`). None set: the connector is off; some but not all: a clear failure.
 */
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { describeError } from '@callstate/projections'
import { secret, type Secret } from './secret.js'

export interface RingCentralCredentials {
  readonly serverUrl: string
  readonly clientId: string
  readonly clientSecret: Secret
  readonly jwt: Secret
}

export type ConfigFailure = { readonly _tag: 'ConfigFailure'; readonly message: string }

const fail = (message: string): E.Either<ConfigFailure, never> => E.left({ _tag: 'ConfigFailure', message })

const present = (v: string | undefined): v is string => v !== undefined && v.trim() !== ''

/** A value from `NAME`, or from the file `NAME_FILE` names (trimmed). */
const valueOf = (env: NodeJS.ProcessEnv, name: string): E.Either<ConfigFailure, string | undefined> => {
  const direct = env[name]
  const file = env[`${name}_FILE`]
  if (present(direct) && present(file)) return fail(`set ${name} or ${name}_FILE, not both`)
  if (present(direct)) return E.right(direct.trim())
  if (!present(file)) return E.right(undefined)
  try {
    const text = readFileSync(file, 'utf8').trim()
    return text === '' ? fail(`${name}_FILE names an empty file: ${file}`) : E.right(text)
  } catch (e) {
    return fail(`cannot read ${name}_FILE ${file}: ${describeError(e)}`)
  }
}

export const CREDENTIAL_VARIABLES = [
  'RINGCENTRAL_SERVER_URL',
  'RINGCENTRAL_CLIENT_ID',
  'RINGCENTRAL_CLIENT_SECRET',
  'RINGCENTRAL_JWT_TOKEN'
] as const

/** The credentials, undefined when none of the variables is set (the connector is off). */
export const credentialsFromEnv = (
  env: NodeJS.ProcessEnv
): E.Either<ConfigFailure, RingCentralCredentials | undefined> => {
  const values: Record<string, string | undefined> = {}
  for (const name of CREDENTIAL_VARIABLES) {
    const v = valueOf(env, name)
    if (E.isLeft(v)) return v
    values[name] = v.right
  }
  const set = CREDENTIAL_VARIABLES.filter((n) => values[n] !== undefined)
  if (set.length === 0) return E.right(undefined)
  const missing = CREDENTIAL_VARIABLES.filter((n) => values[n] === undefined)
  if (missing.length > 0)
    return fail(`RingCentral credentials are incomplete: ${missing.join(', ')} not set (${set.join(', ')} set)`)
  const serverUrl = values['RINGCENTRAL_SERVER_URL'] ?? ''
  if (!/^https?:\/\/[^/\s]+/.test(serverUrl))
    return fail(
      `RINGCENTRAL_SERVER_URL must be an http(s) URL such as https://platform.ringcentral.com, got "${serverUrl}"`
    )
  return E.right({
    serverUrl: serverUrl.replace(/\/+$/, ''),
    clientId: values['RINGCENTRAL_CLIENT_ID'] ?? '',
    clientSecret: secret(values['RINGCENTRAL_CLIENT_SECRET'] ?? ''),
    jwt: secret(values['RINGCENTRAL_JWT_TOKEN'] ?? '')
  })
}
