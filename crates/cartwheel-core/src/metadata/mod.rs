//! Core metadata (2.1-2.5) from a `Project`: rendering METADATA / PKG-INFO and parsing it back.
//!
//! `Metadata` holds every core-metadata field as data; `render` writes the email-header text
//! that `packaging.metadata` and `twine check` read, `parse` reads such text back (ours or any
//! other backend's), and `entry_points_txt` writes the `.dist-info/entry_points.txt` file.

use indexmap::IndexMap;
use pep440_rs::Version;

use crate::diagnostic::Diagnostic;
use crate::names::{is_valid_name, normalize_extra};
use crate::project::{License, Located, Project};

mod parse;
mod render;
mod strict;

pub use parse::{check_content_type, is_known_field, parse_headers, RawHeader, RawHeaders};
pub use render::{entry_points_txt, format_address, format_requirement};

/// Every stage fails with the one error type.
pub use crate::error::Error;

/// Core metadata of one distribution.
///
/// String fields hold the exact header values (already validated), so that comparing two
/// `Metadata` values compares what a reader of the files would see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// `Metadata-Version`: the lowest version covering the fields (for a wheel) when built by
    /// `from_project`, the declared one when parsed. `render` never writes less than needed.
    pub metadata_version: String,
    /// `Name`, as written in pyproject.toml (PEP 621 lets it keep its case).
    pub name: String,
    /// `Version`, rendered normalised.
    pub version: Version,
    /// `Dynamic` (PKG-INFO only): core-metadata field names a wheel may fill differently.
    pub dynamic: Vec<String>,
    /// `Platform` (legacy).
    pub platforms: Vec<String>,
    /// `Supported-Platform` (legacy).
    pub supported_platforms: Vec<String>,
    /// `Summary`: one line.
    pub summary: Option<String>,
    /// The long description (message body).
    pub description: Option<String>,
    /// `Description-Content-Type`, e.g. `text/markdown; charset=UTF-8`.
    pub description_content_type: Option<String>,
    /// `Keywords`, split on commas.
    pub keywords: Vec<String>,
    /// `Home-page` (legacy; `Project-URL` replaces it).
    pub home_page: Option<String>,
    /// `Download-URL` (legacy).
    pub download_url: Option<String>,
    /// `Author`: comma-joined names of authors without an e-mail.
    pub author: Option<String>,
    /// `Author-email`: RFC 5322 address list.
    pub author_email: Option<String>,
    /// `Maintainer`: comma-joined names of maintainers without an e-mail.
    pub maintainer: Option<String>,
    /// `Maintainer-email`: RFC 5322 address list.
    pub maintainer_email: Option<String>,
    /// `License`: legacy free text, possibly several lines.
    pub license: Option<String>,
    /// `License-Expression`: SPDX expression (PEP 639).
    pub license_expression: Option<String>,
    /// `License-File`: project-relative `/` paths (PEP 639).
    pub license_files: Vec<String>,
    /// `Classifier`: trove classifiers.
    pub classifiers: Vec<String>,
    /// `Requires-Python`: a PEP 440 specifier set.
    pub requires_python: Option<String>,
    /// `Requires-Dist`: PEP 508 requirements, extras already folded into the markers.
    pub requires_dist: Vec<String>,
    /// `Requires-External`.
    pub requires_external: Vec<String>,
    /// `Project-URL`: label → URL, in order.
    pub project_urls: IndexMap<String, String>,
    /// `Provides-Extra`: normalised extra names.
    pub provides_extra: Vec<String>,
    /// `Provides-Dist`.
    pub provides_dist: Vec<String>,
    /// `Obsoletes-Dist`.
    pub obsoletes_dist: Vec<String>,
    /// `Requires` (Metadata 1.1, deprecated).
    pub requires: Vec<String>,
    /// `Provides` (Metadata 1.1, deprecated).
    pub provides: Vec<String>,
    /// `Obsoletes` (Metadata 1.1, deprecated).
    pub obsoletes: Vec<String>,
    /// `Import-Name` (Metadata 2.5, PEP 794): `name` or `name; private`; one empty value says
    /// the project provides no import names.
    pub import_names: Vec<String>,
    /// `Import-Namespace` (Metadata 2.5, PEP 794).
    pub import_namespaces: Vec<String>,
}

/// Every `Metadata-Version` `packaging` accepts, oldest first.
pub const KNOWN_METADATA_VERSIONS: &[&str] = &["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6"];

/// `(major, minor)` of a `Metadata-Version` value, `None` when it is not `N.N`.
pub fn metadata_version_tuple(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.split_once('.')?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(major) || !all_digits(minor) {
        return None;
    }
    Some((major.parse().ok()?, minor.parse().ok()?))
}

impl Metadata {
    /// Metadata holding only the required fields.
    pub fn new(name: impl Into<String>, version: Version) -> Self {
        Self {
            metadata_version: "2.1".into(),
            name: name.into(),
            version,
            dynamic: Vec::new(),
            platforms: Vec::new(),
            supported_platforms: Vec::new(),
            summary: None,
            description: None,
            description_content_type: None,
            keywords: Vec::new(),
            home_page: None,
            download_url: None,
            author: None,
            author_email: None,
            maintainer: None,
            maintainer_email: None,
            license: None,
            license_expression: None,
            license_files: Vec::new(),
            classifiers: Vec::new(),
            requires_python: None,
            requires_dist: Vec::new(),
            requires_external: Vec::new(),
            project_urls: IndexMap::new(),
            provides_extra: Vec::new(),
            provides_dist: Vec::new(),
            obsoletes_dist: Vec::new(),
            requires: Vec::new(),
            provides: Vec::new(),
            obsoletes: Vec::new(),
            import_names: Vec::new(),
            import_namespaces: Vec::new(),
        }
    }

    /// Metadata for `project` at `version`; `license_files` are the project-relative paths found.
    pub fn from_project(
        project: &Project,
        version: &Version,
        license_files: &[String],
    ) -> Result<Self, Error> {
        let name = &project.name.value;
        if !is_valid_name(name) {
            return Err(project
                .error_at(format!("`{name}` is not a valid project name"), project.name.span.clone())
                .key("project.name")
                .into());
        }
        let mut m = Metadata::new(name.clone(), version.clone());

        if let Some(summary) = &project.description {
            // A folded Summary is rejected by packaging, and PyPI shows one line anyway.
            single_line(summary, "project.description")?;
            if !summary.is_empty() {
                m.summary = Some(summary.clone());
            }
        }
        if let Some(readme) = &project.readme {
            // An empty body reads back as "no description"; keep the two states the same.
            if !readme.text.is_empty() {
                m.description = Some(readme.text.clone());
            }
            parse::check_content_type(&readme.content_type).map_err(|why| {
                plain_error(
                    format!("readme content type `{}` is invalid: {why}", readme.content_type),
                    "project.readme",
                )
            })?;
            m.description_content_type = Some(readme.content_type.clone());
        }

        for keyword in &project.keywords {
            single_line(keyword, "project.keywords")?;
            if keyword.contains(',') {
                return Err(plain_error(
                    format!("keyword `{keyword}` contains a comma, which separates keywords in the `Keywords` field"),
                    "project.keywords",
                ));
            }
        }
        m.keywords =
            project.keywords.iter().map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect();

        (m.author, m.author_email) = people(&project.authors, "project.authors")?;
        (m.maintainer, m.maintainer_email) = people(&project.maintainers, "project.maintainers")?;

        match project.license.as_ref().map(|l| &l.value) {
            Some(License::Spdx(expr)) => {
                parse::check_license_expression(expr).map_err(|why| {
                    plain_error(
                        format!("`{expr}` is not a valid SPDX license expression: {why}"),
                        "project.license",
                    )
                })?;
                m.license_expression = Some(expr.clone());
            }
            Some(License::Text(text)) => {
                // Edge blank lines would become whitespace-only continuation lines.
                let text = text.replace("\r\n", "\n");
                let text = text.trim();
                if !text.is_empty() {
                    m.license = Some(text.to_string());
                }
            }
            None => {}
        }
        for path in license_files {
            check_license_file(path).map_err(|why| {
                plain_error(
                    format!("license file `{path}` cannot be listed in metadata: {why}"),
                    "project.license-files",
                )
            })?;
        }
        m.license_files = license_files.to_vec();

        for classifier in &project.classifiers {
            single_line(classifier, "project.classifiers")?;
        }
        m.classifiers = project.classifiers.clone();

        if let Some(spec) = &project.requires_python {
            spec.parse::<pep440_rs::VersionSpecifiers>().map_err(|e| {
                plain_error(
                    format!("`{spec}` is not a valid version specifier: {e}"),
                    "project.requires-python",
                )
            })?;
            m.requires_python = Some(spec.clone());
        }

        for dep in &project.dependencies {
            m.requires_dist.push(requirement(dep, None, "project.dependencies")?);
        }
        for (extra, deps) in &project.optional_dependencies {
            let normalized = normalize_extra(extra)
                .map_err(|e| plain_error(e.to_string(), "project.optional-dependencies"))?;
            if m.provides_extra.contains(&normalized) {
                return Err(plain_error(
                    format!("extra `{extra}` is listed twice (extra names are compared normalised: `{normalized}`)"),
                    "project.optional-dependencies",
                ));
            }
            for dep in deps {
                m.requires_dist.push(requirement(dep, Some(&normalized), "project.optional-dependencies")?);
            }
            // Listed even when empty: `pip install x[extra]` must not warn about an unknown extra.
            m.provides_extra.push(normalized);
        }

        for (label, url) in &project.urls {
            single_line(label, "project.urls")?;
            single_line(url, "project.urls")?;
            if label.contains(',') {
                return Err(plain_error(
                    format!("URL label `{label}` contains a comma, which ends the label in `Project-URL`"),
                    "project.urls",
                ));
            }
            m.project_urls.insert(label.trim().to_string(), url.trim().to_string());
        }

        // Validated when pyproject.toml was read; `import-names = []` is one empty field.
        let values = |names: &[Located<String>]| names.iter().map(|n| n.value.clone()).collect::<Vec<_>>();
        m.import_names = match &project.import_names {
            Some(names) if names.is_empty() => vec![String::new()],
            Some(names) => values(names),
            None => Vec::new(),
        };
        m.import_namespaces = values(&project.import_namespaces);

        // Every field is computed from files the sdist carries (the version is frozen into it),
        // so a wheel built from the sdist gets the same values: nothing is Dynamic.
        m.dynamic = Vec::new();
        m.metadata_version = m.required_metadata_version(false);
        Ok(m)
    }

    /// The `Metadata-Version` `render(for_sdist)` writes: the lowest one covering the fields
    /// present, but never lower than `self.metadata_version`.
    pub fn metadata_version(&self, for_sdist: bool) -> String {
        let needed = self.required_metadata_version(for_sdist);
        match (metadata_version_tuple(&needed), metadata_version_tuple(&self.metadata_version)) {
            (Some(n), Some(declared)) if declared > n => self.metadata_version.clone(),
            _ => needed,
        }
    }

    /// The lowest `Metadata-Version` covering the fields present (2.1 at least).
    fn required_metadata_version(&self, for_sdist: bool) -> String {
        let version = if !self.import_names.is_empty() || !self.import_namespaces.is_empty() {
            "2.5"
        } else if self.license_expression.is_some() || !self.license_files.is_empty() {
            "2.4"
        } else if for_sdist || !self.dynamic.is_empty() {
            // PEP 643: PKG-INFO must be 2.2+ for its fields to be trusted.
            "2.2"
        } else {
            "2.1"
        };
        version.to_string()
    }
}

fn plain_error(message: impl Into<String>, key: &str) -> Error {
    Diagnostic::error(message).key(key).into()
}

/// Header values cannot hold line breaks except through folding, which changes them.
fn single_line(value: &str, key: &str) -> Result<(), Error> {
    if value.contains(['\n', '\r']) {
        return Err(plain_error(
            format!("{value:?} spans several lines; this metadata field must be one line"),
            key,
        ));
    }
    Ok(())
}

/// PEP 639: relative, `/`-separated, no `..`, no globs.
pub(crate) fn check_license_file(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.starts_with('/') || path.contains(':') {
        return Err("the path must be relative");
    }
    if path.contains('\\') {
        return Err("the path must use `/` separators");
    }
    if path.contains(['*', '?', '[', ']']) {
        return Err("the path must not hold glob characters");
    }
    if path.split('/').any(|p| p == ".." || p == "." || p.is_empty()) {
        return Err("the path must not hold `..`, `.` or empty segments");
    }
    if path.contains(['\n', '\r']) {
        return Err("the path must be one line");
    }
    Ok(())
}

/// PEP 621 people: names without e-mail go to `Author`, the rest to `Author-email`.
fn people(
    contacts: &[crate::project::Contact],
    key: &str,
) -> Result<(Option<String>, Option<String>), Error> {
    let mut names = Vec::new();
    let mut addresses = Vec::new();
    for contact in contacts {
        if let Some(name) = &contact.name {
            // A comma is only warned about (pyproject reading does): PyPI accepts it.
            single_line(name, key)?;
        }
        if let Some(email) = &contact.email {
            let bad = email.is_empty()
                || !email.contains('@')
                || email.chars().any(|c| c.is_whitespace() || matches!(c, '<' | '>' | ','));
            if bad {
                return Err(plain_error(format!("`{email}` is not a valid e-mail address"), key));
            }
        }
        match (&contact.name, &contact.email) {
            (Some(name), None) => {
                let name = name.trim();
                if !name.is_empty() {
                    names.push(name.to_string());
                }
            }
            (name, Some(email)) => addresses.push(format_address(name.as_deref().map(str::trim), email)),
            (None, None) => {}
        }
    }
    let join = |v: Vec<String>| (!v.is_empty()).then(|| v.join(", "));
    Ok((join(names), join(addresses)))
}

/// A `Requires-Dist` value, validated with pep508_rs; `extra` folds in `extra == "..."`.
fn requirement(dep: &str, extra: Option<&str>, key: &str) -> Result<String, Error> {
    let req = crate::names::parse_requirement(dep)
        .map_err(|e| plain_error(format!("`{dep}` is not a valid PEP 508 requirement: {e}"), key))?;
    Ok(format_requirement(dep, &req, extra))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::str::FromStr;

    use super::*;
    use crate::diagnostic::SourceFile;
    use crate::project::{Contact, Located, Readme};

    fn v(s: &str) -> Version {
        Version::from_str(s).unwrap()
    }

    fn project(name: &str) -> Project {
        Project {
            version: Some(Located::new(v("1.0"), None)),
            ..Project::named(
                PathBuf::from("/tmp/x"),
                SourceFile::new("pyproject.toml", ""),
                Located::new(name.to_string(), None),
            )
        }
    }

    fn at(value: &str) -> Located<String> {
        Located::new(value.to_string(), None)
    }

    fn contact(name: Option<&str>, email: Option<&str>) -> Contact {
        Contact { name: name.map(String::from), email: email.map(String::from) }
    }

    fn full_project() -> Project {
        let mut p = project("Acme.SDK");
        p.description = Some("Acme database SDK".into());
        p.readme = Some(Readme {
            text: "# Acme SDK\n\nTalk to the Acme database.\n".into(),
            content_type: "text/markdown; charset=UTF-8".into(),
            path: Some("README.md".into()),
        });
        p.requires_python = Some(">=3.8".into());
        p.license = Some(Located::new(License::Spdx("Apache-2.0 OR MIT".into()), None));
        p.authors = vec![
            contact(Some("Jane Doe"), None),
            contact(Some("J. R. Hacker"), Some("jr@acme.example")),
            contact(None, Some("team@acme.example")),
        ];
        p.maintainers = vec![contact(Some("Ops"), Some("ops@acme.example"))];
        p.keywords = vec!["database".into(), "sdk".into()];
        p.classifiers =
            vec!["Programming Language :: Python :: 3".into(), "Operating System :: OS Independent".into()];
        p.urls.insert("Homepage".into(), "https://acme.example".into());
        p.urls.insert("Source Code".into(), "https://github.com/acme/sdk".into());
        p.dependencies = vec!["sqlalchemy>=2".into(), "tomli>=1.1 ; python_version < '3.11'".into()];
        p.optional_dependencies.insert(
            "dev".into(),
            vec!["pytest>=8".into(), "colorama ; os_name == 'nt' or sys_platform == 'win32'".into()],
        );
        p.optional_dependencies.insert(
            "Fast_IO".into(),
            vec!["orjson ; platform_python_implementation == 'CPython' and python_version >= '3.9'".into()],
        );
        p.optional_dependencies.insert("empty".into(), vec![]);
        p
    }

    fn full_metadata() -> Metadata {
        Metadata::from_project(&full_project(), &v("1.4.0"), &["LICENSE".into(), "licenses/MIT.txt".into()])
            .unwrap()
    }

    #[test]
    fn renders_full_metadata() {
        insta::assert_snapshot!("full_metadata", full_metadata().render(false));
    }

    #[test]
    fn renders_pkg_info() {
        let mut p = full_project();
        p.license =
            Some(Located::new(License::Text("Copyright (c) Acme\n\nAll rights reserved.\n".into()), None));
        let m = Metadata::from_project(&p, &v("2.0rc1"), &[]).unwrap();
        insta::assert_snapshot!("pkg_info_legacy_license", m.render(true));
    }

    #[test]
    fn renders_import_names_as_metadata_2_5() {
        let mut p = full_project();
        p.import_names = Some(vec![at("acme.sdk"), at("_acme_speedups; private")]);
        p.import_namespaces = vec![at("acme")];
        let m = Metadata::from_project(&p, &v("1.4.0"), &["LICENSE".into()]).unwrap();
        let text = m.render(false);
        insta::assert_snapshot!("metadata_2_5", text);
        assert_eq!(Metadata::parse(&text).unwrap(), m);
        assert_eq!(Metadata::parse(&m.render(true)).unwrap().import_namespaces, ["acme"]);

        // `import-names = []`: one empty field says "no import names"; it reads back as such.
        let mut none = project("a");
        none.import_names = Some(vec![]);
        let m = Metadata::from_project(&none, &v("1"), &[]).unwrap();
        let text = m.render(false);
        assert_eq!(text, "Metadata-Version: 2.5\nName: a\nVersion: 1\nImport-Name: \n");
        assert_eq!(Metadata::parse(&text).unwrap(), m);
        // Only namespaces: still 2.5, no Import-Name.
        let mut ns = project("a");
        ns.import_namespaces = vec![at("acme")];
        let text = Metadata::from_project(&ns, &v("1"), &[]).unwrap().render(true);
        assert_eq!(text, "Metadata-Version: 2.5\nName: a\nVersion: 1\nImport-Namespace: acme\n");
        // Without either key nothing changes: the full project stays 2.4.
        assert!(full_metadata().render(false).starts_with("Metadata-Version: 2.4\n"));
    }

    #[test]
    fn picks_the_lowest_metadata_version() {
        let version_of = |p: &Project, files: &[String], sdist: bool| {
            let text = Metadata::from_project(p, &v("1"), files).unwrap().render(sdist);
            text.lines().next().unwrap().to_string()
        };
        let plain = project("a");
        assert_eq!(version_of(&plain, &[], false), "Metadata-Version: 2.1");
        assert_eq!(version_of(&plain, &[], true), "Metadata-Version: 2.2");
        let files = ["COPYING".to_string()];
        assert_eq!(version_of(&plain, &files, false), "Metadata-Version: 2.4");
        assert_eq!(version_of(&plain, &files, true), "Metadata-Version: 2.4");
        let mut spdx = project("a");
        spdx.license = Some(Located::new(License::Spdx("MIT".into()), None));
        assert_eq!(version_of(&spdx, &[], false), "Metadata-Version: 2.4");
        let mut text = project("a");
        text.license = Some(Located::new(License::Text("MIT".into()), None));
        assert_eq!(version_of(&text, &[], false), "Metadata-Version: 2.1");

        let mut m = Metadata::from_project(&plain, &v("1"), &[]).unwrap();
        m.dynamic = vec!["Requires-Dist".into()];
        assert_eq!(m.metadata_version(false), "2.2");
        // A declared version above what the fields need is kept, never lowered.
        m.metadata_version = "2.4".into();
        assert_eq!(m.metadata_version(true), "2.4");
    }

    #[test]
    fn minimal_metadata_has_no_description() {
        let m = Metadata::from_project(&project("Tiny_Pkg"), &v("0.1.0"), &[]).unwrap();
        assert_eq!(m.render(false), "Metadata-Version: 2.1\nName: Tiny_Pkg\nVersion: 0.1.0\n");
        assert!(!m.render(true).contains("UNKNOWN"));
    }

    #[test]
    fn normalises_the_version() {
        let m = Metadata::from_project(&project("a"), &v("1.0.0-RC.1"), &[]).unwrap();
        assert!(m.render(false).contains("\nVersion: 1.0.0rc1\n"));
    }

    #[test]
    fn splits_authors_by_email() {
        let people_of = |contacts: Vec<Contact>| {
            let mut p = project("a");
            p.authors = contacts.clone();
            p.maintainers = contacts;
            let m = Metadata::from_project(&p, &v("1"), &[]).unwrap();
            assert_eq!(
                (m.author.clone(), m.author_email.clone()),
                (m.maintainer.clone(), m.maintainer_email.clone())
            );
            (m.author, m.author_email)
        };
        assert_eq!(
            people_of(vec![contact(Some("A"), None), contact(Some("B"), None)]),
            (Some("A, B".into()), None)
        );
        assert_eq!(people_of(vec![contact(None, Some("a@x.org"))]), (None, Some("a@x.org".into())));
        assert_eq!(
            people_of(vec![
                contact(Some("Ann"), Some("ann@x.org")),
                contact(Some("Bob"), None),
                contact(None, Some("c@x.org")),
                contact(Some("Dr. Who"), Some("who@x.org")),
            ]),
            (Some("Bob".into()), Some("Ann <ann@x.org>, c@x.org, \"Dr. Who\" <who@x.org>".into()))
        );
        assert_eq!(people_of(vec![]), (None, None));

        let mut p = project("a");
        // A comma in a name is kept (pyproject reading warns): quoted in an address list.
        p.authors = vec![contact(Some("Doe, Jr."), None), contact(Some("Ann, Bob"), Some("team@x.org"))];
        let m = Metadata::from_project(&p, &v("1"), &[]).unwrap();
        assert_eq!(
            (m.author.as_deref(), m.author_email.as_deref()),
            (Some("Doe, Jr."), Some("\"Ann, Bob\" <team@x.org>"))
        );
        p.authors = vec![contact(Some("Doe"), Some("not-an-address"))];
        assert!(Metadata::from_project(&p, &v("1"), &[]).is_err());
    }

    #[test]
    fn folds_extras_into_markers() {
        let mut p = project("a");
        p.dependencies = vec!["Requests[socks] >= 2.8, <3".into()];
        p.optional_dependencies.insert(
            "Test.Suite".into(),
            vec![
                "pytest".into(),
                "tomli ; python_version < '3.11'".into(),
                "pywin32 ; os_name == 'nt' or sys_platform == 'cygwin'".into(),
                "uvloop ; (os_name == 'posix' or sys_platform == 'darwin') and implementation_name == 'cpython'".into(),
                "local @ https://example.org/local-1.0.whl".into(),
                "other @ https://example.org/other-1.0.whl ; os_name == 'nt'".into(),
            ],
        );
        p.optional_dependencies.insert("nothing".into(), vec![]);
        let m = Metadata::from_project(&p, &v("1"), &[]).unwrap();
        assert_eq!(
            m.requires_dist,
            [
                "Requests[socks] >= 2.8, <3",
                r#"pytest; extra == "test-suite""#,
                r#"tomli; python_version < '3.11' and extra == "test-suite""#,
                r#"pywin32; (os_name == 'nt' or sys_platform == 'cygwin') and extra == "test-suite""#,
                r#"uvloop; (os_name == 'posix' or sys_platform == 'darwin') and implementation_name == 'cpython' and extra == "test-suite""#,
                r#"local @ https://example.org/local-1.0.whl ; extra == "test-suite""#,
                r#"other @ https://example.org/other-1.0.whl ; os_name == 'nt' and extra == "test-suite""#,
            ]
        );
        assert_eq!(m.provides_extra, ["test-suite", "nothing"]);
        for req in &m.requires_dist {
            req.parse::<pep508_rs::Requirement>().unwrap();
        }

        p.optional_dependencies.insert("test_suite".into(), vec![]);
        let e = Metadata::from_project(&p, &v("1"), &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "error: extra `test_suite` is listed twice (extra names are compared normalised: `test-suite`) \
             (key `project.optional-dependencies`)"
        );
    }

    #[test]
    fn folds_legacy_license_text() {
        let mut p = project("a");
        p.license = Some(Located::new(License::Text("Line one\r\n\r\n  indented line\nlast\n".into()), None));
        let m = Metadata::from_project(&p, &v("1"), &[]).unwrap();
        let text = m.render(false);
        assert_eq!(
            text,
            "Metadata-Version: 2.1\nName: a\nVersion: 1\n\
             License: Line one\n        \n          indented line\n        last\n"
        );
        let back = Metadata::parse(&text).unwrap();
        assert_eq!(back.license.as_deref(), Some("Line one\n\n  indented line\nlast"));
        assert_eq!(back, m);
    }

    #[test]
    fn rejects_values_that_would_break_headers() {
        let mut p = project("a");
        p.description = Some("two\nlines".into());
        assert!(Metadata::from_project(&p, &v("1"), &[]).is_err());
        let mut p = project("a");
        p.keywords = vec!["a,b".into()];
        assert!(Metadata::from_project(&p, &v("1"), &[]).is_err());
        let mut p = project("a");
        p.urls.insert("Docs, API".into(), "https://x.org".into());
        assert!(Metadata::from_project(&p, &v("1"), &[]).is_err());
        let mut p = project("a");
        p.license = Some(Located::new(License::Spdx("MIT OR Nope".into()), None));
        assert!(Metadata::from_project(&p, &v("1"), &[]).is_err());
        let mut p = project("a");
        p.readme = Some(Readme {
            text: "x".into(),
            content_type: "text/markdown; charset=latin-1".into(),
            path: None,
        });
        assert!(Metadata::from_project(&p, &v("1"), &[]).is_err());
        for bad in ["/abs/LICENSE", "../LICENSE", "a\\LICENSE", "LICEN*"] {
            let e = Metadata::from_project(&project("a"), &v("1"), &[bad.into()]);
            assert!(e.is_err(), "{bad}");
        }
    }

    #[test]
    fn round_trips_through_parse() {
        let mut legacy = full_project();
        legacy.license = Some(Located::new(License::Text("BSD\n\nfull text".into()), None));
        legacy.readme = Some(Readme {
            text: "Title\n=====\n\nBody with trailing spaces   \n\n\n".into(),
            content_type: "text/x-rst".into(),
            path: None,
        });
        let fixtures = [
            Metadata::from_project(&project("a"), &v("1"), &[]).unwrap(),
            full_metadata(),
            Metadata::from_project(&legacy, &v("3.0.post1"), &[]).unwrap(),
        ];
        for m in fixtures {
            let text = m.render(false);
            assert_eq!(Metadata::parse(&text).unwrap(), m, "{text}");
            // PKG-INFO differs only by its Metadata-Version.
            let mut sdist = Metadata::parse(&m.render(true)).unwrap();
            assert!(metadata_version_tuple(&sdist.metadata_version).unwrap() >= (2, 2));
            sdist.metadata_version = m.metadata_version.clone();
            assert_eq!(sdist, m);
        }
    }

    #[test]
    fn parses_other_backends_metadata() {
        let text = "Metadata-Version: 2.1\r\nName: old-pkg\r\nVersion: 1.0\r\n\
            Home-page: https://x.org\r\nPlatform: UNKNOWN\r\nLicense-File: LICENSE\r\n\
            Project-URL: Docs, https://x.org/docs, with comma\r\n\
            Keywords: a, b ,c\r\nRequires-Dist: foo (>=1.0)\r\n\
            Description: line one\r\n       |line two\r\n";
        let m = Metadata::parse(text).unwrap();
        assert_eq!(m.metadata_version, "2.1");
        assert_eq!(m.home_page.as_deref(), Some("https://x.org"));
        // packaging drops License-File below 2.4.
        assert!(m.license_files.is_empty());
        assert_eq!(m.project_urls["Docs"], "https://x.org/docs, with comma");
        assert_eq!(m.keywords, ["a", "b", "c"]);
        assert_eq!(m.description.as_deref(), Some("line one\nline two"));
    }

    #[test]
    fn parse_reports_what_packaging_rejects() {
        let bad = |text: &str, needle: &str| {
            let e = Metadata::parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{needle:?} not in {e:?}");
        };
        let head = "Metadata-Version: 2.1\nName: a\nVersion: 1\n";
        bad("Name: a\nVersion: 1\n", "`Metadata-Version` is missing");
        bad("Metadata-Version: 2.0\nName: a\nVersion: 1\n", "not a valid Metadata-Version");
        bad(&format!("{head}X-Custom: 1\n"), "unrecognized field `X-Custom`");
        bad(&format!("{head}Summary: a\nSummary: b\n"), "more than once");
        bad(&format!("{head}License-Expression: MIT\n"), "introduced in metadata version 2.4, not 2.1");
        bad(&format!("{head}Dynamic: Requires-Dist\n"), "introduced in metadata version 2.2");
        bad("Metadata-Version: 2.2\nName: a\nVersion: 1\nDynamic: Version\n", "cannot be `Dynamic`");
        bad(&format!("{head}Summary: a\n  b\n"), "`Summary` must be one line");
        bad(&format!("{head}Requires-Dist: foo >>= 1\n"), "Requires-Dist");
        bad(&format!("{head}Requires-Python: >=3.x\n"), "Requires-Python");
        bad(&format!("{head}Provides-Extra: -bad\n"), "Provides-Extra");
        bad(&format!("{head}Description-Content-Type: text/markdown; charset=utf8\n"), "charset");
        bad(&format!("{head}Description-Content-Type: text/markdown; variant=gfm\n"), "variant");
        bad(&format!("{head}Description-Content-Type: markdown\n"), "type must be");
        bad(&format!("{head}Project-URL: A, x\nProject-URL: A, y\n"), "given twice");
        bad(&format!("{head}Description: x\n\nbody\n"), "both in a header and in the body");
        bad(
            "Metadata-Version: 2.4\nName: a\nVersion: 1\nLicense-Expression: MIT OR Nope\n",
            "unknown license",
        );
        bad("Metadata-Version: 2.4\nName: a\nVersion: 1\nLicense-File: ../LICENSE\n", "License-File");
        bad("Metadata-Version: 2.1\nName: -a\nVersion: one\n", "not a valid");
        bad("\u{feff}Metadata-Version: 2.1\n", "byte order mark");
        bad("Metadata-Version: 2.1\nnot a header\n", "not a `Name: value` header");

        let ok = "Metadata-Version: 2.4\nName: a\nVersion: 1\n\
            License-Expression: (mit or apache-2.0) AND gpl-2.0-or-later WITH classpath-exception-2.0 \
            AND LicenseRef-Acme-1.0\n";
        Metadata::parse(ok).unwrap();
    }

    /// Inputs where packaging (what twine validates with) decides differently than a careful
    /// reading of the specs would: each was found comparing with `twine check`.
    #[test]
    fn parse_agrees_with_packaging_on_edge_cases() {
        let v24 = |field: &str| format!("Metadata-Version: 2.4\nName: a\nVersion: 1\n{field}\n");
        let ok = |text: String| {
            if let Err(e) = Metadata::parse(&text) {
                panic!("{text:?}: {e}");
            }
        };
        let bad = |text: String| assert!(Metadata::parse(&text).is_err(), "{text:?} passed");
        let ok_metadata = |text: String| Metadata::parse(&text).unwrap();
        let v25 = |field: &str| format!("Metadata-Version: 2.5\nName: a\nVersion: 1\n{field}\n");
        // License-File: what `PureWindowsPath(path).as_posix()` gives back unchanged.
        let license_files = ["./LICENSE", "a//b", "LICENSES/", "a..b", "C:/x", "/x", "a\\b", "", "x*"];
        let (v24_ok, v24_bad) = (
            ["GPL-2.0+", "LGPL-2.1+ OR MIT", "GPL-3.0-or-later+", "MIT+"]
                .map(|e| format!("License-Expression: {e}")),
            license_files.map(|p| format!("License-File: {p}")),
        );
        for text in v24_ok
            .iter()
            .map(|f| v24(f))
            .chain(["License-File: C:LICENSE", "License-File: LICENSES/MIT.txt"].map(v24))
        {
            ok(text);
        }
        for text in v24_bad.iter().map(|f| v24(f)).chain([v24("License-Expression: MIT OR")]) {
            bad(text);
        }
        for field in ["Import-Name: ", "Import-Name: a.b;  private", "Import-Name: match"] {
            ok(v25(field));
        }
        for field in ["class", "a.None", "a; public", "a; private "].map(|n| format!("Import-Name: {n}")) {
            bad(v25(&field));
        }
        bad(v25("Import-Namespace: "));
        // Description-Content-Type parameters, as Python's email parser reads them.
        let dct = |value: &str| crate::metadata::check_content_type(value);
        for value in [
            "text/plain;",
            "text/plain ;",
            "text/plain;charset=utf-8;",
            "text/plain; charset=utf-8 (comment)",
            "text/plain; a=\"x;y\"",
            "text/plain; a=é",
            "text/plain; x*0=a; x*1=b",
            "text/plain; charset*=utf-8''utf-8",
            "text/markdown; variant=\"GFM\"",
            "text/markdown; variant=GFM ; charset=utf-8",
            "text/plain;\tcharset=utf-8",
        ] {
            assert_eq!(dct(value), Ok(()), "{value:?}");
        }
        for value in [
            "text/plain;; charset=utf-8",
            "text/plain; ;",
            "text/plain; foo",
            "text/plain; foo=",
            "text/plain; =x",
            "text/plain; a=b c",
            "text/plain; a=\"b",
            "text/plain; a*=x",
            "text/plain; foo bar=baz",
            "text/plain; a=\u{7f}",
            "text/markdown; variant*=utf-8''gfm",
            "text/plain; charset=\"utf-8\" x",
        ] {
            assert!(dct(value).is_err(), "{value:?} passed");
        }
        let purl = ok_metadata(v24("Project-URL: https://example.org"));
        assert_eq!(purl.project_urls["https://example.org"], "");
    }

    #[test]
    fn writes_entry_points() {
        let mut p = project("a");
        assert_eq!(entry_points_txt(&p), None);
        p.entry_points.insert(
            "acme.plugins".into(),
            [("fast".to_string(), "acme.fast:Plugin".to_string())].into_iter().collect(),
        );
        p.entry_points.insert("empty.group".into(), IndexMap::new());
        p.gui_scripts.insert("acme-gui".into(), "acme.gui:main".into());
        p.scripts.insert("acme".into(), "acme.cli:main".into());
        p.scripts.insert("acme-admin".into(), "acme.cli:admin".into());
        assert_eq!(
            entry_points_txt(&p).unwrap(),
            "[console_scripts]\nacme = acme.cli:main\nacme-admin = acme.cli:admin\n\n\
             [gui_scripts]\nacme-gui = acme.gui:main\n\n\
             [acme.plugins]\nfast = acme.fast:Plugin\n"
        );
    }
}
