//! Rendering reports: human text (each problem once, with its field or member path) and JSON
//! (the stable schema documented in docs/check.md).

use super::{Report, Severity, Verdict};

/// `Checking FILE: VERDICT` and one indented line per problem.
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
        let severity = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        out.push_str(&format!("  {severity}{}\n", line(p)));
    }
    out
}

/// `[CODE] location: message`, control characters escaped: one problem as every report shows it.
pub fn line(p: &super::Problem) -> String {
    let message = printable(&p.message);
    match &p.location {
        Some(at) => format!("[{}] {}: {message}", p.code, printable(at)),
        None => format!("[{}] {message}", p.code),
    }
}

/// Member names come from untrusted archives: control characters (a newline faking a line of
/// the report, terminal escape sequences) are shown escaped.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
            .collect()
    } else {
        text.into()
    }
}

/// All reports as one JSON array.
pub fn json(reports: &[Report]) -> String {
    serde_json::to_string_pretty(reports).expect("reports serialise")
}

#[cfg(test)]
mod tests {
    use super::super::Problem;
    use super::*;

    #[test]
    fn text_and_json() {
        let r = Report::new(
            "a-1.tar.gz",
            vec![Problem::warning("T005", "`long_description` missing.").at("Description")],
            false,
        );
        assert_eq!(text(&r), "Checking a-1.tar.gz: PASSED with warnings\n  warning[T005] Description: `long_description` missing.\n");
        let strict = Report::new("a-1.tar.gz", r.problems.clone(), true);
        assert!(text(&strict).starts_with("Checking a-1.tar.gz: FAILED due to warnings\n"));
        let hostile = Report::new(
            "a-1.whl",
            vec![Problem::error("R004", "in the wheel but not in RECORD").at("a/\u{1b}[2J\nFAKE: PASSED.py")],
            false,
        );
        assert_eq!(
            text(&hostile),
            "Checking a-1.whl: FAILED\n  error[R004] a/\\u{1b}[2J\\nFAKE: PASSED.py: in the wheel but not in RECORD\n"
        );
        // The build-time check prints the same line: escaped there too.
        assert_eq!(
            line(&hostile.problems[0]),
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
