/** A value with listeners, and the hook that re-renders a component when it changes. */
import { useEffect, useState } from 'preact/hooks'

export interface Store<T> {
  readonly get: () => T
  readonly set: (value: T) => void
  readonly subscribe: (listener: (value: T) => void) => () => void
}

export const store = <T>(initial: T): Store<T> => {
  let value = initial
  const listeners = new Set<(value: T) => void>()
  return {
    get: () => value,
    set: (next) => {
      if (Object.is(next, value)) return
      value = next
      for (const l of [...listeners]) l(value)
    },
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  }
}

export const useStore = <T>(s: Store<T>): T => {
  const [value, setValue] = useState(s.get())
  useEffect(() => {
    setValue(s.get())
    return s.subscribe(setValue)
  }, [s])
  return value
}
