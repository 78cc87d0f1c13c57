//! Cycles and evaluation order in dependency graphs (petgraph, iterative).

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::VecDeque;

/// The result of analysing a dependency graph whose edges point from a dependency to
/// its dependent.
#[derive(Debug, Default)]
pub struct Analysis {
    /// One cycle per strongly connected component that has one, as a node path whose
    /// last node depends on the first (`[a, b]` means a → b → a).
    pub cycles: Vec<Vec<usize>>,
    /// Every node, dependencies before dependents (nodes on cycles in arbitrary order).
    pub order: Vec<usize>,
}

/// Finds cycles and an evaluation order for `n` nodes and `edges` (from, to).
#[must_use]
pub fn analyse(n: usize, edges: &[(usize, usize)]) -> Analysis {
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(n, edges.len());
    for _ in 0..n {
        graph.add_node(());
    }
    for &(a, b) in edges {
        graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
    }
    let sccs = kosaraju_scc(&graph);
    let mut out = Analysis::default();
    // kosaraju_scc (iterative) yields components in reverse topological order.
    for scc in sccs.iter().rev() {
        let self_loop = scc.len() == 1 && graph.contains_edge(scc[0], scc[0]);
        if scc.len() > 1 || self_loop {
            out.cycles.push(cycle_in(&graph, scc));
        }
        out.order.extend(scc.iter().map(|i| i.index()));
    }
    out
}

/// A shortest cycle through the first node of a strongly connected component (BFS).
fn cycle_in(graph: &DiGraph<(), ()>, scc: &[NodeIndex]) -> Vec<usize> {
    let mut members: Vec<NodeIndex> = scc.to_vec();
    members.sort();
    let start = members[0];
    if scc.len() == 1 {
        return vec![start.index()];
    }
    let in_scc = |n: NodeIndex| members.binary_search(&n).is_ok();
    let mut parent: std::collections::HashMap<NodeIndex, NodeIndex> = std::collections::HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for next in graph.neighbors(node) {
            if next == start {
                let mut path = vec![node.index()];
                let mut cur = node;
                while cur != start {
                    cur = parent[&cur];
                    path.push(cur.index());
                }
                path.reverse();
                return path;
            }
            if in_scc(next) && !parent.contains_key(&next) {
                parent.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    vec![start.index()]
}

/// Formats a cycle `a → b → a` from node names, eliding the middle of long ones.
#[must_use]
pub fn describe_cycle(names: &[String]) -> String {
    let mut parts: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    if parts.len() > 12 {
        let hidden = parts.len() - 10;
        let tail = parts.split_off(parts.len() - 5);
        parts.truncate(5);
        parts.push(format!("… ({hidden} more) …"));
        parts.extend(tail);
    }
    if let Some(first) = names.first() {
        parts.push(format!("`{first}`"));
    }
    parts.join(" → ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycle_and_order() {
        let a = analyse(4, &[(0, 1), (1, 2), (2, 1), (2, 3)]);
        assert_eq!(a.cycles.len(), 1);
        assert_eq!(a.cycles[0].len(), 2);
        let pos = |n| a.order.iter().position(|x| *x == n).unwrap();
        assert!(pos(0) < pos(1) && pos(2) < pos(3));
    }

    #[test]
    fn long_cycle_is_iterative() {
        let n = 20_000;
        let edges: Vec<_> = (0..n).map(|i| (i, (i + 1) % n)).collect();
        let a = analyse(n, &edges);
        assert_eq!(a.cycles.len(), 1);
        assert_eq!(a.cycles[0].len(), n);
    }
}
