/**
 * Dependency graphs of computations (MDRNN grids, masked-conv stacks): nodes are added in a
 * topological order (every edge goes from an earlier node to a later one — checked), so the
 * longest path, the wavefront levels and the ancestor sets are single passes.
 *
 *   depth(v) = 0 for a node without predecessors (an input), else 1 + max over predecessors:
 *   the number of sequential steps needed before v is known when every node whose inputs are
 *   ready is computed in the same step (unlimited parallelism).
 */
export class Dag {
  readonly labels: string[] = [];
  private readonly preds: number[][] = [];
  private edges = 0;

  addNode(label = ''): number {
    this.labels.push(label);
    this.preds.push([]);
    return this.labels.length - 1;
  }

  addEdge(from: number, to: number): void {
    if (!(from >= 0 && from < to && to < this.preds.length)) {
      throw new Error(`Dag.addEdge(${from}, ${to}): edges must go from an earlier node to a later existing one (${this.preds.length} nodes)`);
    }
    this.preds[to].push(from);
    this.edges++;
  }

  get size(): number {
    return this.preds.length;
  }

  get edgeCount(): number {
    return this.edges;
  }

  predecessors(v: number): readonly number[] {
    return this.preds[v];
  }

  /** depth of every node (inputs 0) */
  depths(): Int32Array {
    const d = new Int32Array(this.preds.length);
    for (let v = 0; v < d.length; v++) {
      let m = -1;
      for (const u of this.preds[v]) if (d[u] > m) m = d[u];
      d[v] = m + 1;
    }
    return d;
  }

  /** length (in edges) of the longest path: the fewest sequential steps with unlimited parallelism */
  longestPath(): number {
    let m = 0;
    for (const x of this.depths()) if (x > m) m = x;
    return m;
  }

  /** the wavefront schedule: levels[s] = the nodes computed at step s (level 0 = the inputs) */
  levels(): number[][] {
    const d = this.depths();
    const out: number[][] = [];
    d.forEach((x, v) => (out[x] ??= []).push(v));
    return out;
  }

  /** every node that `v` depends on, transitively (v itself excluded) */
  ancestors(v: number): Set<number> {
    const seen = new Set<number>();
    const stack = [...this.preds[v]];
    while (stack.length) {
      const u = stack.pop()!;
      if (seen.has(u)) continue;
      seen.add(u);
      for (const w of this.preds[u]) if (!seen.has(w)) stack.push(w);
    }
    return seen;
  }
}
