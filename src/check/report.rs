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
    let mut out = format!("Checking {}: {verdict}\n", report.file);
    for p in &report.problems {
        let severity = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        match &p.location {
            Some(at) => out.push_str(&format!("  {severity}[{}] {at}: {}\n", p.code, p.message)),
            None => out.push_str(&format!("  {severity}[{}] {}\n", p.code, p.message)),
        }
    }
    out
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
        let v: serde_json::Value = serde_json::from_str(&json(&[r])).unwrap();
        assert_eq!(
            v,
            serde_json::json!([{"file": "a-1.tar.gz", "verdict": "passed_with_warnings", "problems": [
                {"code": "T005", "severity": "warning", "message": "`long_description` missing.", "location": "Description"}
            ]}])
        );
    }
}
