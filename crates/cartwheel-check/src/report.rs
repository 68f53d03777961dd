//! Rendering reports: human text (each problem once, with its field or member path) and JSON
//! (the stable schema documented in docs/check.md).

use cartwheel_core::diagnostic::printable;
use serde::Serialize;

use super::{Report, Severity, Verdict};

/// `Checking FILE: VERDICT` and one indented line per problem (twine's layout).
pub fn text(report: &Report) -> String {
    let warned = report.problems.iter().any(|p| p.severity == Severity::Warning);
    let errored = report.problems.iter().any(|p| p.severity == Severity::Error);
    let verdict = match report.verdict {
        Verdict::Passed => "PASSED",
        Verdict::PassedWithWarnings => "PASSED with warnings",
        Verdict::Failed if warned && !errored => "FAILED due to warnings",
        Verdict::Failed => "FAILED",
    };
    let mut out = format!("Checking {}: {verdict}\n", printable(&report.file));
    for p in &report.problems {
        out.push_str(&format!("  {}{}\n", p.severity.word(), p.finding_line()));
    }
    out
}

/// All reports as one JSON array (the schema of docs/check.md: a finding's location is the
/// one line `finding_line` shows).
pub fn json(reports: &[Report]) -> String {
    #[derive(Serialize)]
    struct Finding<'a> {
        code: &'a str,
        severity: Severity,
        message: &'a str,
        location: Option<String>,
    }
    #[derive(Serialize)]
    struct File<'a> {
        file: &'a str,
        verdict: Verdict,
        problems: Vec<Finding<'a>>,
    }
    let files: Vec<File<'_>> = reports
        .iter()
        .map(|r| File {
            file: &r.file,
            verdict: r.verdict,
            problems: r
                .problems
                .iter()
                .map(|p| Finding {
                    code: p.code.unwrap_or_default(),
                    severity: p.severity,
                    message: &p.message,
                    location: p.location_text(),
                })
                .collect(),
        })
        .collect();
    serde_json::to_string_pretty(&files).expect("reports serialise")
}

#[cfg(test)]
mod tests {
    use super::super::problem;
    use super::*;

    #[test]
    fn text_and_json() {
        let r = Report::new(
            "a-1.tar.gz",
            vec![problem::warning("T005", "`long_description` missing.").at_field("Description")],
            false,
        );
        assert_eq!(text(&r), "Checking a-1.tar.gz: PASSED with warnings\n  warning[T005] Description: `long_description` missing.\n");
        let strict = Report::new("a-1.tar.gz", r.problems.clone(), true);
        assert!(text(&strict).starts_with("Checking a-1.tar.gz: FAILED due to warnings\n"));
        let hostile = Report::new(
            "a-1.whl",
            vec![problem::error("R004", "in the wheel but not in RECORD")
                .at_member("a/\u{1b}[2J\nFAKE: PASSED.py")],
            false,
        );
        assert_eq!(
            text(&hostile),
            "Checking a-1.whl: FAILED\n  error[R004] a/\\u{1b}[2J\\nFAKE: PASSED.py: in the wheel but not in RECORD\n"
        );
        // The build-time check prints the same line: escaped there too.
        assert_eq!(
            hostile.problems[0].finding_line(),
            "[R004] a/\\u{1b}[2J\\nFAKE: PASSED.py: in the wheel but not in RECORD"
        );
        let v: serde_json::Value = serde_json::from_str(&json(&[r])).unwrap();
        assert_eq!(
            v,
            serde_json::json!([{"file": "a-1.tar.gz", "verdict": "passed_with_warnings", "problems": [
                {"code": "T005", "severity": "warning", "message": "`long_description` missing.", "location": "Description"}
            ]}])
        );
    }
}
