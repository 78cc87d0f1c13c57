//! The outline of a file (document symbols) and its folding ranges, from the AST.

use lsp_types::{DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind};

use super::unit::Unit;
use crate::base::span::{FileId, Span};
use crate::syntax::ast::{ClauseKind, Item, Stmt, StmtKind};

#[must_use]
pub fn symbols(unit: &Unit, file: FileId) -> Vec<DocumentSymbol> {
    let Some(module) = unit.analysis.modules.iter().find(|m| m.file == file) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in &module.ast.items {
        match item {
            Item::Import(i) => out.push(symbol(
                unit,
                &i.path,
                SymbolKind::MODULE,
                i.span,
                i.path_span,
                None,
                Vec::new(),
            )),
            Item::Fn(f) => {
                let ret = unit.slice(f.ret.span).to_string();
                out.push(symbol(
                    unit,
                    &f.name.name,
                    SymbolKind::FUNCTION,
                    f.span,
                    f.name.span,
                    Some(ret),
                    Vec::new(),
                ));
            }
            Item::Workflow(w) => {
                let children = body(unit, &w.body);
                out.push(symbol(
                    unit,
                    &w.name.name,
                    SymbolKind::CLASS,
                    w.span,
                    w.name.span,
                    None,
                    children,
                ));
            }
            Item::Error { .. } => {}
        }
    }
    out
}

fn body(unit: &Unit, stmts: &[Stmt]) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    for stmt in stmts {
        match &stmt.kind {
            StmtKind::Param { name, ty, .. } => out.push(symbol(
                unit,
                &name.name,
                SymbolKind::PROPERTY,
                stmt.span,
                name.span,
                Some(format!("param {}", unit.slice(ty.span))),
                Vec::new(),
            )),
            StmtKind::Const { name, .. } => out.push(symbol(
                unit,
                &name.name,
                SymbolKind::CONSTANT,
                stmt.span,
                name.span,
                Some("const".into()),
                Vec::new(),
            )),
            StmtKind::Let { name, .. } => out.push(symbol(
                unit,
                &name.name,
                SymbolKind::VARIABLE,
                stmt.span,
                name.span,
                Some("let".into()),
                Vec::new(),
            )),
            StmtKind::Output { name, ty, .. } => out.push(symbol(
                unit,
                &name.name,
                SymbolKind::FIELD,
                stmt.span,
                name.span,
                Some(format!("output {}", unit.slice(ty.span))),
                Vec::new(),
            )),
            StmtKind::Step(step) => {
                let mut children = Vec::new();
                for clause in &step.clauses {
                    if let ClauseKind::Outputs(list) = &clause.kind {
                        for (name, ty) in list {
                            let span = Span {
                                file: name.span.file,
                                start: name.span.start,
                                end: ty.span.end,
                            };
                            children.push(symbol(
                                unit,
                                &name.name,
                                SymbolKind::FIELD,
                                span,
                                name.span,
                                Some(unit.slice(ty.span).to_string()),
                                Vec::new(),
                            ));
                        }
                    }
                }
                out.push(symbol(
                    unit,
                    &step.name.name,
                    SymbolKind::METHOD,
                    stmt.span,
                    step.name.span,
                    Some("step".into()),
                    children,
                ));
            }
            StmtKind::Foreach(f) => {
                let vars: Vec<&str> = f.vars.iter().map(|(v, _)| v.name.as_str()).collect();
                let name = format!("foreach {}", vars.join(", "));
                let head = f.vars.first().map_or(f.span, |(v, _)| v.span);
                out.push(symbol(
                    unit,
                    &name,
                    SymbolKind::NAMESPACE,
                    stmt.span,
                    head,
                    None,
                    body(unit, &f.body),
                ));
            }
            StmtKind::While(w) => {
                out.push(symbol(
                    unit,
                    "while",
                    SymbolKind::NAMESPACE,
                    stmt.span,
                    w.cond.span,
                    None,
                    body(unit, &w.body),
                ));
            }
            StmtKind::If(i) => {
                let mut children = Vec::new();
                for b in &i.branches {
                    children.extend(body(unit, &b.body));
                }
                if let Some(e) = &i.else_body {
                    children.extend(body(unit, e));
                }
                let head = i.branches.first().map_or(i.span, |b| b.cond.span);
                out.push(symbol(
                    unit,
                    "if",
                    SymbolKind::NAMESPACE,
                    stmt.span,
                    head,
                    None,
                    children,
                ));
            }
            StmtKind::Concurrency(_)
            | StmtKind::Timeout(_)
            | StmtKind::Retry(_)
            | StmtKind::OnFailure(_)
            | StmtKind::Strategy(_)
            | StmtKind::Schedule(..)
            | StmtKind::Trigger(_)
            | StmtKind::Tags(_)
            | StmtKind::Next(_)
            | StmtKind::Error { .. } => {}
        }
    }
    out
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written
fn symbol(
    unit: &Unit,
    name: &str,
    kind: SymbolKind,
    span: Span,
    selection: Span,
    detail: Option<String>,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    let selection = if selection.start >= span.start && selection.end <= span.end {
        selection
    } else {
        span
    };
    DocumentSymbol {
        name: if name.is_empty() { "_".into() } else { name.to_string() },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: unit.range(span),
        selection_range: unit.range(selection),
        children: (!children.is_empty()).then_some(children),
    }
}

/// Folding ranges: items, steps, loop and branch bodies, and doc-comment runs spanning lines.
#[must_use]
pub fn folding(unit: &Unit, file: FileId) -> Vec<FoldingRange> {
    let Some(module) = unit.analysis.modules.iter().find(|m| m.file == file) else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    for item in &module.ast.items {
        match item {
            Item::Fn(f) => spans.push(f.span),
            Item::Workflow(w) => {
                spans.push(w.span);
                fold_body(&w.body, &mut spans);
            }
            Item::Import(_) | Item::Error { .. } => {}
        }
    }
    let mut out: Vec<FoldingRange> = spans
        .into_iter()
        .filter_map(|span| {
            let range = unit.range(span);
            (range.end.line > range.start.line).then(|| FoldingRange {
                start_line: range.start.line,
                start_character: None,
                end_line: range.end.line.saturating_sub(1).max(range.start.line),
                end_character: None,
                kind: Some(FoldingRangeKind::Region),
                collapsed_text: None,
            })
        })
        .collect();
    // Runs of comment lines.
    let text = unit.text(file);
    let mut run: Option<(u32, u32)> = None;
    for (i, line) in text.lines().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        if line.trim_start().starts_with("//") {
            run = Some(run.map_or((i, i), |(s, _)| (s, i)));
        } else if let Some((s, e)) = run.take() {
            if e > s {
                out.push(FoldingRange {
                    start_line: s,
                    start_character: None,
                    end_line: e,
                    end_character: None,
                    kind: Some(FoldingRangeKind::Comment),
                    collapsed_text: None,
                });
            }
        }
    }
    out
}

fn fold_body(stmts: &[Stmt], out: &mut Vec<Span>) {
    for stmt in stmts {
        match &stmt.kind {
            StmtKind::Step(_) => out.push(stmt.span),
            StmtKind::Foreach(f) => {
                out.push(stmt.span);
                fold_body(&f.body, out);
            }
            StmtKind::While(w) => {
                out.push(stmt.span);
                fold_body(&w.body, out);
            }
            StmtKind::If(i) => {
                for b in &i.branches {
                    out.push(b.span);
                    fold_body(&b.body, out);
                }
                if let (Some(body), Some(span)) = (&i.else_body, i.else_span) {
                    out.push(span);
                    fold_body(body, out);
                }
            }
            StmtKind::Param { .. }
            | StmtKind::Const { .. }
            | StmtKind::Let { .. }
            | StmtKind::Output { .. }
            | StmtKind::Concurrency(_)
            | StmtKind::Timeout(_)
            | StmtKind::Retry(_)
            | StmtKind::OnFailure(_)
            | StmtKind::Strategy(_)
            | StmtKind::Schedule(..)
            | StmtKind::Trigger(_)
            | StmtKind::Tags(_)
            | StmtKind::Next(_)
            | StmtKind::Error { .. } => {}
        }
    }
}
