//! `tags ["team-a", "daily"]`: free labels, written as a list of plain string literals,
//! none empty, none twice.

#[allow(clippy::wildcard_imports)] // the parent's imports and helpers
use super::*;

impl Checker<'_> {
    pub(in crate::check) fn check_tags(&mut self, e: &Expr, env: &WfEnv) -> Vec<String> {
        self.mark_used(e, env);
        let ExprKind::List(items) = &e.kind else {
            self.error(CheckError::BadTags {
                message: "`tags` takes a list of strings".into(),
                span: e.span,
                label: "not a list".into(),
                help: Some("write `tags [\"team-a\", \"daily\"]`".into()),
            });
            return Vec::new();
        };
        let mut tags: Vec<(String, Span)> = Vec::new();
        for item in items {
            let text = crate::check::zone::literal(item).map(str::to_string);
            let Some(text) = text else {
                self.error(CheckError::BadTags {
                    message: "a tag is a string written out in full".into(),
                    span: item.span,
                    label: "not a plain string literal".into(),
                    help: Some("tags are fixed labels: write them as strings without `${…}`, like \"daily\"".into()),
                });
                continue;
            };
            if text.trim().is_empty() {
                self.error(CheckError::EmptyTag { span: item.span });
                continue;
            }
            if let Some((_, first)) = tags.iter().find(|(t, _)| *t == text) {
                self.error(CheckError::DuplicateTag {
                    tag: text,
                    span: item.span,
                    first: *first,
                });
                continue;
            }
            tags.push((text, item.span));
        }
        tags.into_iter().map(|(t, _)| t).collect()
    }
}
