/**
 * A binary min-heap of non-negative integers (transaction indices) on a growable Uint32Array: the engine's
 * chain-order work queue. No per-push allocation.
 * @module
 */
export class MinHeap {
  private a = new Uint32Array(64)
  size = 0

  push(x: number): void {
    if (this.size === this.a.length) {
      const b = new Uint32Array(this.a.length * 2)
      b.set(this.a)
      this.a = b
    }
    const a = this.a
    let i = this.size++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (a[parent]! <= x) break
      a[i] = a[parent]!
      i = parent
    }
    a[i] = x
  }

  /** Smallest element; the heap must not be empty. */
  pop(): number {
    const a = this.a
    const top = a[0]!
    const last = a[--this.size]!
    let i = 0
    const n = this.size
    for (;;) {
      let c = 2 * i + 1
      if (c >= n) break
      if (c + 1 < n && a[c + 1]! < a[c]!) c++
      if (a[c]! >= last) break
      a[i] = a[c]!
      i = c
    }
    a[i] = last
    return top
  }
}
