//! Sdist rules PyPI and PEP 625 / PEP 643 set: the file name, one top folder named like it,
//! PKG-INFO at its top with Metadata-Version 2.2 or later, pyproject.toml present.

use std::str::FromStr;

use super::read::{Archive, Format, Kind};
use super::{problem, Diagnostic};
use cartwheel_core::names::SdistFilename;

/// Every sdist rule `archive` breaks.
pub fn check(archive: &Archive, file_name: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if archive.format == Format::ZipSdist {
        out.push(problem::error("S001", "`.zip` sdist: PyPI accepts only `.tar.gz` sdists (PEP 625)"));
    }
    let stem =
        file_name.strip_suffix(".zip").or_else(|| file_name.strip_suffix(".tar.gz")).unwrap_or(file_name);
    let expected = match SdistFilename::from_str(&format!("{stem}.tar.gz")) {
        Ok(name) => {
            if name.top_dir() != stem {
                out.push(problem::error(
                    "S001",
                    format!("the file name is not normalised as PEP 625 requires: expected `{name}`"),
                ));
            }
            Some(stem.to_string())
        }
        Err(e) => {
            out.push(problem::error("S001", e.to_string()));
            None
        }
    };
    let mut tops: Vec<&str> =
        archive.members.iter().map(|m| m.name.split('/').next().unwrap_or("")).collect();
    tops.sort_unstable();
    tops.dedup();
    let top = match tops.as_slice() {
        [one] => Some(*one),
        _ => {
            out.push(problem::error(
                "S002",
                format!("the sdist must hold exactly one top folder, found {}", tops.len()),
            ));
            None
        }
    };
    if let (Some(top), Some(expected)) = (top, &expected) {
        if top != expected {
            out.push(
                problem::error(
                    "S002",
                    format!("top folder `{top}` does not match the file name (`{expected}`)"),
                )
                .at_member(top),
            );
        }
    }
    let Some(top) = top else { return out };
    let pkg_info = format!("{top}/PKG-INFO");
    match archive.last(&pkg_info) {
        Some(m) if m.kind == Kind::File => {
            let version = m
                .data
                .as_deref()
                .and_then(|d| std::str::from_utf8(d).ok())
                .and_then(|t| cartwheel_core::metadata::parse_headers(t).ok())
                .and_then(|h| h.headers.into_iter().find(|h| h.name.eq_ignore_ascii_case("metadata-version")))
                .map(|h| h.value());
            if let Some(v) = version {
                if cartwheel_core::metadata::metadata_version_tuple(v.trim()).is_some_and(|t| t < (2, 2)) {
                    out.push(
                        problem::warning(
                            "S004",
                            format!("PKG-INFO declares Metadata-Version {v}: sdists should use 2.2 or later (PEP 643)"),
                        )
                        .at_member(&pkg_info),
                    );
                }
            }
        }
        _ => out.push(problem::error("S003", "no PKG-INFO at the top of the sdist").at_member(&pkg_info)),
    }
    let pyproject = format!("{top}/pyproject.toml");
    if archive.last(&pyproject).is_none() {
        out.push(
            problem::warning("S005", "no pyproject.toml: frontends fall back to the legacy setup.py path")
                .at_member(pyproject),
        );
    }
    out
}
