import { describe, expect, test } from 'vitest';
import { Dag } from '../src/mdrnn/dag.ts';
import { mdrnnTopic } from '../src/mdrnn/topic.ts';
import { specTopic } from './templates.ts';

// CSC421 HW3 P2: the multidimensional RNN, counted and scheduled on its dependency graph.
specTopic(mdrnnTopic);

// unit tests of the dependency-graph engine (src/mdrnn/dag.ts), kept here to save a worker start
describe('Dag (src/mdrnn/dag.ts)', () => {
  test('chain and diamond: depths, longest path, levels, ancestors, edge count', () => {
    const g = new Dag();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((l) => g.addNode(l));
    g.addEdge(a, b);
    g.addEdge(a, c);
    g.addEdge(b, d);
    g.addEdge(c, d);
    const e = g.addNode();
    expect(g.size).toBe(5);
    expect(g.edgeCount).toBe(4);
    expect(Array.from(g.depths())).toEqual([0, 1, 1, 2, 0]);
    expect(g.longestPath()).toBe(2);
    expect(g.levels()).toEqual([[a, e], [b, c], [d]]);
    expect([...g.ancestors(d)].sort()).toEqual([a, b, c]);
    expect(g.ancestors(a).size).toBe(0);
    expect(g.predecessors(d)).toEqual([b, c]);
    expect(g.labels[1]).toBe('b');
  });
  test('an edge that breaks the topological order is refused', () => {
    const g = new Dag();
    g.addNode();
    g.addNode();
    expect(() => g.addEdge(1, 0)).toThrow(/earlier node/);
    expect(() => g.addEdge(0, 5)).toThrow(/existing/);
    expect(new Dag().longestPath()).toBe(0);
  });
});
