//! PyPI's (warehouse's) upload rules on core metadata, beyond what packaging validates:
//! accepted Metadata-Versions, name and version against the file name, local versions,
//! classifiers, URLs, direct references, extras (PEP 685), License-File presence and
//! License / License-Expression exclusivity.

use std::str::FromStr;

use super::classifiers::{self, Status};
use super::read::{Archive, Format};
use super::twine::Parsed;
use super::{problem, Diagnostic};
use cartwheel_core::names::{normalize_extra, PackageName, SdistFilename, WheelFilename};

/// Newest Metadata-Version PyPI accepts today (2.6 is approved but refused).
const PYPI_NEWEST: (u32, u32) = (2, 5);
/// Longest Summary PyPI stores.
const SUMMARY_MAX: usize = 512;
/// Longest Project-URL label PyPI accepts.
const URL_LABEL_MAX: usize = 32;

/// Every PyPI rule `parsed` breaks.
pub fn check(parsed: &Parsed, archive: &Archive, file_name: &str) -> Vec<Diagnostic> {
    let m = &parsed.metadata;
    let mut out = Vec::new();
    if cartwheel_core::metadata::metadata_version_tuple(&m.metadata_version).is_some_and(|v| v > PYPI_NEWEST)
    {
        out.push(
            problem::error(
                "M001",
                format!("Metadata-Version {} is newer than PyPI accepts (1.0 to 2.5)", m.metadata_version),
            )
            .at_field("Metadata-Version"),
        );
    }
    if let Some(b) = &parsed.header_break {
        out.push(
            problem::error(
                "M012",
                format!(
                    "line {} `{}` is not a `Name: value` header: email parsers (twine, pip, PyPI) end the headers there, so {} {} read as description text and lost",
                    b.line,
                    b.text,
                    b.lost.join(", "),
                    if b.lost.len() == 1 { "is" } else { "are" }
                ),
            )
            .at_member(&parsed.member)
            .help("every header line must hold a colon (hatchling 1.33 writes a bare `Import-Name` for `import-names = []`): fix the backend's output and build again"),
        );
    }
    names_agree(m, archive.format, file_name, &mut out);
    if !m.version.local().is_empty() {
        out.push(
            problem::error("M004", format!("local version `{}`: PyPI refuses local versions", m.version))
                .at_field("Version"),
        );
    }
    if let Some(summary) = &m.summary {
        if summary.chars().count() > SUMMARY_MAX {
            out.push(
                problem::error("M005", format!("Summary longer than {SUMMARY_MAX} characters"))
                    .at_field("Summary"),
            );
        }
    }
    for c in &m.classifiers {
        match classifiers::status(c) {
            Status::Known => {}
            Status::Deprecated(repl) if repl.is_empty() => out.push(
                problem::error("M006", format!("classifier `{c}` is deprecated: PyPI refuses it"))
                    .at_field("Classifier"),
            ),
            Status::Deprecated(repl) => out.push(
                problem::error(
                    "M006",
                    format!("classifier `{c}` is deprecated: PyPI refuses it; use `{}`", repl.join("`, `")),
                )
                .at_field("Classifier"),
            ),
            Status::Unknown if c.starts_with("Private ::") => out.push(
                problem::error(
                    "M006",
                    format!("`{c}`: `Private ::` classifiers block uploads to PyPI by design"),
                )
                .at_field("Classifier"),
            ),
            Status::Unknown => out.push(
                problem::error(
                    "M006",
                    format!("unknown classifier `{c}` (trove-classifiers {})", classifiers::source_version()),
                )
                .at_field("Classifier"),
            ),
        }
    }
    for (label, url) in &m.project_urls {
        if label.chars().count() > URL_LABEL_MAX {
            out.push(
                problem::error(
                    "M007",
                    format!("Project-URL label `{label}` is longer than {URL_LABEL_MAX} characters"),
                )
                .at_field("Project-URL"),
            );
        }
        if url.is_empty() {
            out.push(
                problem::error("M007", format!("Project-URL `{label}` has no URL: write `label, URL`"))
                    .at_field("Project-URL"),
            );
        } else if let Err(why) = check_url(url) {
            out.push(
                problem::error("M007", format!("Project-URL `{label}`: `{url}` {why}"))
                    .at_field("Project-URL"),
            );
        }
    }
    for (field, value) in [("Home-page", &m.home_page), ("Download-URL", &m.download_url)] {
        if let Some(url) = value.as_deref().filter(|u| !u.is_empty() && *u != "UNKNOWN") {
            if let Err(why) = check_url(url) {
                out.push(problem::error("M007", format!("`{url}` {why}")).at_field(field));
            }
        }
    }
    extras(m, &mut out);
    license_files(parsed, archive, &mut out);
    if m.license.is_some() && m.license_expression.is_some() {
        out.push(
            problem::error(
                "M010",
                "both `License` and `License-Expression`: PyPI refuses the pair (PEP 639)",
            )
            .at_field("License"),
        );
    }
    out
}

/// Name and version in the file name against the metadata.
fn names_agree(
    m: &cartwheel_core::metadata::Metadata,
    format: Format,
    file_name: &str,
    out: &mut Vec<Diagnostic>,
) {
    let (name, version) = match format {
        Format::Wheel => match WheelFilename::from_str(file_name) {
            Ok(w) => (w.name, w.version),
            Err(_) => return, // the wheel checks report the file name itself
        },
        Format::TarGz | Format::ZipSdist => {
            let stem = file_name.trim_end_matches(".zip").trim_end_matches(".tar.gz");
            match SdistFilename::from_str(&format!("{stem}.tar.gz")) {
                Ok(s) => (s.name, s.version),
                Err(_) => return,
            }
        }
    };
    if PackageName::new(&m.name).ok().as_ref() != Some(&name) {
        out.push(
            problem::error("M002", format!("Name `{}` does not match the file name (`{name}`)", m.name))
                .at_field("Name"),
        );
    }
    if m.version != version {
        out.push(
            problem::error(
                "M003",
                format!("Version `{}` does not match the file name (`{version}`)", m.version),
            )
            .at_field("Version"),
        );
    }
}

/// PyPI's URL rule: an absolute http(s) URL with a host.
fn check_url(url: &str) -> Result<(), &'static str> {
    let Some((scheme, rest)) = url.split_once("://") else { return Err("is not an absolute URL") };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err("is not an http or https URL");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || url.contains(char::is_whitespace) {
        return Err("is not a valid URL");
    }
    Ok(())
}

/// Direct references (PyPI refuses them) and PEP 685 extras.
fn extras(m: &cartwheel_core::metadata::Metadata, out: &mut Vec<Diagnostic>) {
    let newer =
        cartwheel_core::metadata::metadata_version_tuple(&m.metadata_version).is_some_and(|v| v >= (2, 3));
    let mut declared = Vec::new();
    for extra in &m.provides_extra {
        if let Ok(norm) = normalize_extra(extra) {
            if newer && &norm != extra {
                out.push(
                    problem::warning(
                        "M008",
                        format!(
                            "extra `{extra}` is not normalised (PEP 685: `{norm}` from Metadata-Version 2.3)"
                        ),
                    )
                    .at_field("Provides-Extra"),
                );
            }
            declared.push(norm);
        }
    }
    static EXTRA: std::sync::LazyLock<cartwheel_core::pattern::Pattern> = std::sync::LazyLock::new(|| {
        cartwheel_core::pattern::Pattern::new(r#"extra\s*==\s*['"]([^'"]*)['"]"#)
    });
    for req in &m.requires_dist {
        let Ok(parsed) = cartwheel_core::names::parse_requirement(req) else { continue };
        if matches!(parsed.version_or_url, Some(pep508_rs::VersionOrUrl::Url(_))) {
            out.push(
                problem::error("M009", format!("`{req}`: PyPI refuses direct URL dependencies"))
                    .at_field("Requires-Dist"),
            );
        }
        for name in EXTRA.group_iter(req, 1) {
            if let Ok(norm) = normalize_extra(name) {
                if !declared.contains(&norm) {
                    out.push(
                        problem::warning(
                            "M008",
                            format!("`{req}` uses extra `{name}`, which no Provides-Extra declares"),
                        )
                        .at_field("Requires-Dist"),
                    );
                }
            }
        }
    }
}

/// Every License-File (Metadata 2.4) must be in the archive: under `.dist-info/licenses/` in a
/// wheel, beside PKG-INFO in an sdist.
fn license_files(parsed: &Parsed, archive: &Archive, out: &mut Vec<Diagnostic>) {
    let m = &parsed.metadata;
    if cartwheel_core::metadata::metadata_version_tuple(&m.metadata_version).is_none_or(|v| v < (2, 4)) {
        return;
    }
    let base = parsed.member.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("");
    let prefix = match archive.format {
        Format::Wheel => format!("{base}/licenses/"),
        _ if base.is_empty() => String::new(),
        _ => format!("{base}/"),
    };
    for path in &m.license_files {
        let want = format!("{prefix}{path}");
        if archive.last(&want).is_none() {
            out.push(
                problem::error(
                    "M011",
                    format!("License-File `{path}` is not in the archive (expected `{want}`)"),
                )
                .at_field("License-File"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pep440_rs::Version;

    #[test]
    fn urls() {
        assert!(check_url("https://example.org/x").is_ok());
        assert!(check_url("ftp://example.org").is_err());
        assert!(check_url("example.org").is_err());
        assert!(check_url("https:///x").is_err());
    }

    #[test]
    fn version_local() {
        let v = Version::from_str("1.0+abc").unwrap();
        assert!(!v.local().is_empty());
    }
}
