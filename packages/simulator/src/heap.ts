/** A binary min-heap on (time, insertion order): pending events of overlapping calls, released in time order. */
export class TimeHeap<A> {
  private readonly items: Array<{ at: number; order: number; value: A }> = []
  private counter = 0

  get size(): number {
    return this.items.length
  }

  peekTime(): number | undefined {
    return this.items[0]?.at
  }

  push(at: number, value: A): void {
    const items = this.items
    items.push({ at, order: this.counter++, value })
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }

  pop(): A | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (top === undefined || last === undefined) return undefined
    if (items.length > 0) {
      items[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < items.length && this.less(l, m)) m = l
        if (r < items.length && this.less(r, m)) m = r
        if (m === i) break
        this.swap(i, m)
        i = m
      }
    }
    return top.value
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a]
    const y = this.items[b]
    if (x === undefined || y === undefined) return false
    return x.at < y.at || (x.at === y.at && x.order < y.order)
  }

  private swap(a: number, b: number): void {
    const x = this.items[a]
    const y = this.items[b]
    if (x === undefined || y === undefined) return
    this.items[a] = y
    this.items[b] = x
  }
}
