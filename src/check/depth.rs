//! Bounds on how deep calls nest: a chain of `call`ed workflows or of `fn`s, each calling
//! the next, may be at most [`MAX_WORKFLOW_DEPTH`] / [`MAX_FN_DEPTH`] long (E0118). The
//! runtime nests one level of its own per call, so an unbounded chain would overflow its
//! stack; the checker says so first, with the call that passes the bound.

use super::error::CheckError;
use super::Checker;
use crate::syntax::span::Span;

/// Workflows in the longest chain of `call` steps (the launched one included).
pub(super) const MAX_WORKFLOW_DEPTH: usize = 100;

/// Functions in the longest chain of `fn` calls (the runtime's bound, `runtime::limits`).
pub(super) const MAX_FN_DEPTH: usize = 256;

/// For a call graph of `n` nodes (edges caller → callee), the length of the longest chain
/// of calls starting at each node (a node that calls nothing: 1), and for each node the
/// call that continues its longest chain. Nodes on a cycle (reported elsewhere) get 0.
/// Iterative: the graph may be a chain of 50,000 nodes.
fn chains(n: usize, edges: &[(usize, usize, Span)]) -> (Vec<usize>, Vec<Option<usize>>) {
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pending = vec![0usize; n];
    for (i, &(caller, callee, _)) in edges.iter().enumerate() {
        if caller < n && callee < n {
            callers[callee].push(i);
            pending[caller] += 1;
        }
    }
    // Callees before callers: start from the nodes that call nothing.
    let mut ready: Vec<usize> = (0..n).filter(|&v| pending[v] == 0).collect();
    let mut depth = vec![0usize; n];
    let mut next = vec![None; n];
    while let Some(v) = ready.pop() {
        if depth[v] == 0 {
            depth[v] = 1;
        }
        for &e in &callers[v] {
            let caller = edges[e].0;
            if depth[v] + 1 > depth[caller] {
                depth[caller] = depth[v] + 1;
                next[caller] = Some(e);
            }
            pending[caller] -= 1;
            if pending[caller] == 0 {
                ready.push(caller);
            }
        }
    }
    (depth, next)
}

/// The call where the longest chain from `start` passes `max`: that call's span.
fn crossing(
    start: usize,
    max: usize,
    depth: &[usize],
    next: &[Option<usize>],
    edges: &[(usize, usize, Span)],
) -> Option<Span> {
    let mut v = start;
    let mut level = 1;
    while let Some(e) = next[v] {
        if level == max {
            return Some(edges[e].2);
        }
        v = edges[e].1;
        level += 1;
        debug_assert!(depth[v] > 0);
    }
    None
}

impl Checker<'_> {
    /// E0118 for chains of `call`ed workflows or of `fn`s nested too deep: once per kind,
    /// at the longest chain.
    pub(super) fn check_call_depth(&mut self) {
        let wf_edges: Vec<(usize, usize, Span)> = self
            .wf_calls
            .iter()
            .map(|(a, b, s)| (a.0 as usize, b.0 as usize, *s))
            .collect();
        let names: Vec<String> = self.program.workflows.iter().map(|w| w.name.clone()).collect();
        self.report_depth("workflow", "`call`ed workflows", &names, &wf_edges, MAX_WORKFLOW_DEPTH);
        let fn_edges: Vec<(usize, usize, Span)> = self
            .fn_calls
            .iter()
            .map(|(a, b, s)| (a.0 as usize, b.0 as usize, *s))
            .collect();
        let names: Vec<String> = self.program.fns.iter().map(|f| f.name.clone()).collect();
        self.report_depth("fn", "`fn` calls", &names, &fn_edges, MAX_FN_DEPTH);
    }

    fn report_depth(
        &mut self,
        kind: &'static str,
        what: &'static str,
        names: &[String],
        edges: &[(usize, usize, Span)],
        max: usize,
    ) {
        let (depth, next) = chains(names.len(), edges);
        let Some((start, &deepest)) = depth
            .iter()
            .enumerate()
            .max_by_key(|(i, d)| (**d, std::cmp::Reverse(*i)))
        else {
            return;
        };
        if deepest <= max {
            return;
        }
        let Some(span) = crossing(start, max, &depth, &next, edges) else {
            return;
        };
        self.file = span.file;
        self.error(CheckError::CallsTooDeep {
            message: format!(
                "{what} nest {deepest} deep from {kind} `{}`, more than the limit of {max}",
                names[start]
            ),
            span,
            label: format!("here the chain passes {max}"),
            help: Some(format!(
                "flatten the chain: call several {kind}s from one level instead of each calling the next"
            )),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_lengths_without_recursion() {
        let s = Span::default();
        let edges: Vec<(usize, usize, Span)> = (0..49_999).map(|i| (i, i + 1, s)).collect();
        let (depth, next) = chains(50_000, &edges);
        assert_eq!(depth[0], 50_000);
        assert_eq!(depth[49_999], 1);
        assert!(crossing(0, 256, &depth, &next, &edges).is_some());
        // A cycle is left to the cycle check.
        let (depth, _) = chains(2, &[(0, 1, s), (1, 0, s)]);
        assert_eq!(depth, vec![0, 0]);
    }
}
