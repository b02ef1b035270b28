/**
 * Binary min-heap of node ids keyed by a number, with decrease-key; sized once for the whole graph and
 * reset in O(touched) between searches, which is what makes thousands of small searches cheap.
 */
export class NodeHeap {
  private readonly heap: Int32Array;
  private readonly keys: Float64Array;
  /** Position of a node in the heap, -1 when absent, -2 once popped (settled). */
  private readonly position: Int32Array;
  private readonly touched: number[] = [];
  private size = 0;

  constructor(nodeCount: number) {
    this.heap = new Int32Array(nodeCount);
    this.keys = new Float64Array(nodeCount);
    this.position = new Int32Array(nodeCount).fill(-1);
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  get minKey(): number {
    return this.size === 0 ? Infinity : this.keys[this.heap[0]!]!;
  }

  /** The node's key if it was ever reached in this search, else Infinity. */
  key(node: number): number {
    return this.position[node] === -1 ? Infinity : this.keys[node]!;
  }

  wasReached(node: number): boolean {
    return this.position[node] !== -1;
  }

  isSettled(node: number): boolean {
    return this.position[node] === -2;
  }

  /** Inserts the node or lowers its key; returns false when the node already had a key at most this low. */
  pushOrDecrease(node: number, key: number): boolean {
    const at = this.position[node]!;
    if (at === -2) return false;
    if (at === -1) {
      this.touched.push(node);
      this.keys[node] = key;
      this.heap[this.size] = node;
      this.position[node] = this.size;
      this.siftUp(this.size++);
      return true;
    }
    if (key >= this.keys[node]!) return false;
    this.keys[node] = key;
    this.siftUp(at);
    return true;
  }

  pop(): number {
    const top = this.heap[0]!;
    this.position[top] = -2;
    const last = this.heap[--this.size]!;
    if (this.size > 0) {
      this.heap[0] = last;
      this.position[last] = 0;
      this.siftDown(0);
    }
    return top;
  }

  clear(): void {
    for (const node of this.touched) this.position[node] = -1;
    this.touched.length = 0;
    this.size = 0;
  }

  private siftUp(index: number): void {
    const { heap, keys, position } = this;
    const node = heap[index]!;
    const key = keys[node]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (keys[parent]! <= key) break;
      heap[index] = parent;
      position[parent] = index;
      index = parentIndex;
    }
    heap[index] = node;
    position[node] = index;
  }

  private siftDown(index: number): void {
    const { heap, keys, position, size } = this;
    const node = heap[index]!;
    const key = keys[node]!;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      if (child + 1 < size && keys[heap[child + 1]!]! < keys[heap[child]!]!) child++;
      if (keys[heap[child]!]! >= key) break;
      heap[index] = heap[child]!;
      position[heap[index]!] = index;
      index = child;
    }
    heap[index] = node;
    position[node] = index;
  }
}
