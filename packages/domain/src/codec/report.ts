/**
 * Turning io-ts `Errors` into a `DecodeFailure` a person can read: one problem per failing value, with a path
 * relative to the unwrapped envelope (`body.parties[0].status.code`) and a reason (`required, missing`,
 * `expected integer, got "abc"`). Only ever run on failure.
 */
import * as t from 'io-ts'
import type { DecodeFailure, DecodeProblem } from '../notification.js'

const MAX_SHOWN = 40

const show = (value: unknown): string => {
  if (typeof value === 'string') {
    const text = JSON.stringify(value)
    return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 2)}…"` : text
  }
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

// The first context entry is the envelope itself; each later entry is one step down. A step into an array
// (its parent entry is an array codec) is written `[i]`, any other step `.key`.
const pathOf = (context: t.Context): string => {
  let path = ''
  for (let i = 1; i < context.length; i++) {
    const entry = context[i]
    const parent = context[i - 1]
    if (entry === undefined || parent === undefined) continue
    if (parent.type instanceof t.ArrayType) path += `[${entry.key}]`
    else path += path === '' ? entry.key : `.${entry.key}`
  }
  return path === '' ? '(root)' : path
}

const reasonOf = (error: t.ValidationError): string => {
  if (error.message !== undefined) return error.message
  if (error.value === undefined) return 'required, missing'
  const expected = error.context[error.context.length - 1]?.type.name ?? 'a valid value'
  return `expected ${expected}, got ${show(error.value)}`
}

export const toDecodeFailure = (errors: t.Errors): DecodeFailure => {
  const seen = new Set<string>()
  const problems: DecodeProblem[] = []
  for (const error of errors) {
    const problem = { path: pathOf(error.context), reason: reasonOf(error) }
    const line = `${problem.path}: ${problem.reason}`
    if (seen.has(line)) continue
    seen.add(line)
    problems.push(problem)
  }
  return { _tag: 'DecodeFailure', problems }
}

/** One line per problem, `path: reason`. */
export const formatDecodeFailure = (f: DecodeFailure): string =>
  f.problems.map((p) => `${p.path}: ${p.reason}`).join('\n')
