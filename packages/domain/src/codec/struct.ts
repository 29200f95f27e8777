/**
 * `struct`: an io-ts object codec shaped by a domain model type. It exists because io-ts's `t.type` keeps
 * unknown wire fields and would need `t.exact`, `t.partial` and a mapping step to produce the model; this
 * does it in one pass over the declared fields:
 * - builds a fresh object holding only the model's keys (unknown wire fields stay in the raw envelope only),
 * - reads a field under another wire name when they differ (`park` -> `parkId`),
 * - omits optional fields that are absent or `null` instead of storing `undefined` (deep equality stays exact),
 * - fills a default when the wire omits a field that the model requires (counters omitted when zero),
 * - reports every failing field, each under its own context, so the reporter can print every problem.
 */
import * as t from 'io-ts'
import { PASS_THROUGH } from './scalars.js'

/** What a field needs from a codec: io-ts's `Type` without `encode`, so fields stay covariant in their value. */
export type Parser<V> = Pick<t.Type<V, unknown, unknown>, 'name' | 'is' | 'validate' | 'decode'>

interface FieldBase<V> {
  readonly codec: Parser<V>
  /** The key on the wire, when it differs from the model key. */
  readonly from: string | undefined
}
export interface RequiredField<V> extends FieldBase<V> {
  readonly required: true
  /** Used when the wire omits the field (`undefined` or `null`); without it a missing field is a failure. */
  readonly orElse: V | undefined
}
export interface OptionalField<V> extends FieldBase<V> {
  readonly required: false
}
type Field = RequiredField<unknown> | OptionalField<unknown>

/** One field spec per model key; optional model keys must use `optional`, required ones `required`. */
export type Fields<A> = {
  readonly [K in keyof A]-?: undefined extends A[K] ? OptionalField<A[K]> : RequiredField<A[K]>
}

export const required = <V>(codec: Parser<V>, options: { from?: string; orElse?: V } = {}): RequiredField<V> => ({
  codec,
  required: true,
  from: options.from,
  orElse: options.orElse
})

export const optional = <V>(codec: Parser<V>, from?: string): OptionalField<V | undefined> => ({
  codec,
  required: false,
  from
})

export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)

/**
 * `codec.validate(v)` as the member `key` of the value of context `c`. A context only says where a failure is, and
 * validating is deterministic: the member is checked under its parent's context, and checked again under its own
 * only when it fails, which gives the same value and the same report without building a context for every member of
 * every notification.
 */
export const validateIn = <V>(codec: Parser<V>, v: unknown, c: t.Context, key: string): t.Validation<V> => {
  const r = codec.validate(v, c)
  return r._tag === 'Right' ? r : codec.validate(v, t.appendContext(c, key, codec, v))
}

/**
 * `t.array` (an `ArrayType` of the same name: the report writes a step into it as `[i]`), with each element checked
 * by `validateIn`.
 */
export const arrayOf = <A>(item: t.Type<A, A, unknown>, name: string): t.ArrayType<t.Type<A, A, unknown>, A[], A[]> =>
  new t.ArrayType<t.Type<A, A, unknown>, A[], A[]>(
    name,
    (u): u is A[] => Array.isArray(u) && u.every((x) => item.is(x)),
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c)
      const input: ReadonlyArray<unknown> = u
      const out: A[] = []
      let errors: t.ValidationError[] | undefined
      for (let i = 0; i < input.length; i++) {
        const r = validateIn(item, input[i], c, String(i))
        if (r._tag === 'Left') (errors ??= []).push(...r.left)
        else out.push(r.right)
      }
      return errors === undefined ? t.success(out) : t.failures(errors)
    },
    t.identity,
    item
  )

export const struct = <A>(name: string, fields: Fields<A>): t.Type<A, A, unknown> => {
  // Precomputed once per codec so the hot path is a plain loop.
  const specs: ReadonlyArray<readonly [string, string, Field, boolean]> = Object.entries<Field>(fields).map(
    ([key, field]) => [key, field.from ?? key, field, PASS_THROUGH.has(field.codec)]
  )

  const is = (u: unknown): u is A =>
    isRecord(u) &&
    specs.every(([key, , field]) => {
      const v = u[key]
      return v === undefined ? !field.required : field.codec.is(v)
    })

  const validate = (u: unknown, c: t.Context): t.Validation<A> => {
    if (!isRecord(u)) return t.failure(u, c)
    const out: Record<string, unknown> = {}
    let errors: t.ValidationError[] | undefined
    for (const [key, wire, field, passThrough] of specs) {
      const v = u[wire]
      if (passThrough && field.codec.is(v)) {
        out[key] = v
        continue
      }
      if (v === undefined || v === null) {
        if (!field.required) continue
        if (field.orElse !== undefined) {
          out[key] = field.orElse
          continue
        }
        // A required field that is null is reported by its codec ("expected string, got null"), not as missing.
        if (v === undefined) {
          ;(errors ??= []).push({ value: v, context: t.appendContext(c, wire, field.codec, v) })
          continue
        }
      }
      const r = validateIn(field.codec, v, c, wire)
      if (r._tag === 'Left') (errors ??= []).push(...r.left)
      else if (r.right !== undefined) out[key] = r.right
    }
    if (errors !== undefined) return t.failures(errors)
    // Sound by construction: `Fields<A>` pairs every key of A with a codec for its value, and each value in
    // `out` came out of that codec (absent optional keys are left out). TypeScript cannot follow a loop.
    return t.success(out as A)
  }

  return new t.Type<A, A, unknown>(name, is, validate, t.identity)
}
