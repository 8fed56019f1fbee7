//! `short`: one `path:line:col: severity[rule]: message` line per finding, as compilers
//! print them (editors and `grep` understand it), then statistics and the summary line.

use super::{RenderOptions, one_based, push_trailer};
use crate::verdict::report::Report;

pub(super) fn render(report: &Report, options: &RenderOptions) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {}\n",
            f.path,
            one_based(f.location.start.line),
            one_based(f.location.start.column),
            f.severity,
            f.rule,
            f.message,
        ));
    }
    push_trailer(&mut out, report, options);
    out
}
