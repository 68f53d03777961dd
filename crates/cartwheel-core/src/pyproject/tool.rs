//! `[tool.cartwheel]` and `[tool.cartwheel.version]`: validation into `ToolConfig`.

use std::ops::Range;

use toml::Spanned;

use super::raw::{self, SList, SStr, StringOrList};
use super::{did_you_mean, inner_span, located, relative_path, Cx, Diag, Res};
use crate::names::ModuleName;
use crate::project::{CheckLevel, Located, ReleaseConfig, ToolConfig, VersionConfig, VersionSource};

/// The wheel `.data` schemes a `data` destination may start with.
use crate::project::DATA_SCHEMES as SCHEMES;

/// Build `ToolConfig`. `version_dynamic` is the span of `"version"` in `project.dynamic`,
/// `static_version` the span of `project.version`: the version source must agree with them.
pub(super) fn tool_config(
    cx: &mut Cx,
    raw: Option<Spanned<raw::ToolCartwheel>>,
    version_dynamic: Option<Range<usize>>,
    static_version: Option<Range<usize>>,
) -> Res<ToolConfig> {
    let Some(raw) = raw else {
        return Ok(ToolConfig {
            version: version_config(cx, None, version_dynamic, static_version)?,
            ..ToolConfig::default()
        });
    };
    let t = raw.into_inner();
    Ok(ToolConfig {
        module: t.module.map(|m| modules(cx, m)).transpose()?,
        source: t.source.map(|s| path(cx, "tool.cartwheel.source", &s, "source")).transpose()?,
        include: globs(cx, "tool.cartwheel.include", t.include)?,
        exclude: globs(cx, "tool.cartwheel.exclude", t.exclude)?,
        wheel_exclude: globs(cx, "tool.cartwheel.wheel-exclude", t.wheel_exclude)?,
        sdist_include: globs(cx, "tool.cartwheel.sdist-include", t.sdist_include)?,
        sdist_exclude: globs(cx, "tool.cartwheel.sdist-exclude", t.sdist_exclude)?,
        data: data(cx, t.data)?,
        check: t.check.map(|c| check(cx, &c)).transpose()?.unwrap_or_default(),
        check_ignore: check_ignore(cx, t.check_ignore)?,
        version: version_config(cx, t.version, version_dynamic, static_version)?,
        release: t.release.map(|r| release(cx, r.into_inner())).transpose()?.unwrap_or_default(),
    })
}

fn release(cx: &Cx, r: raw::ToolRelease) -> Res<ReleaseConfig> {
    let list = |key: &str, l: Option<SList>, what: &str| -> Res<Vec<Located<String>>> {
        let mut out = Vec::new();
        for s in l.map(Spanned::into_inner).unwrap_or_default() {
            if s.get_ref().trim().is_empty() {
                return Err(cx.error(key, s.span(), format!("empty {what}")));
            }
            out.push(located(s.get_ref().clone(), s.span()));
        }
        Ok(out)
    };
    Ok(ReleaseConfig {
        checks: list("tool.cartwheel.release.checks", r.checks, "command")?,
        python: list("tool.cartwheel.release.python", r.python, "interpreter")?,
    })
}

fn path(cx: &Cx, key: &str, s: &SStr, what: &str) -> Res<Located<String>> {
    Ok(located(relative_path(cx, key, s, what)?, s.span()))
}

fn modules(cx: &Cx, m: Spanned<StringOrList>) -> Res<Vec<Located<ModuleName>>> {
    const KEY: &str = "tool.cartwheel.module";
    let span = m.span();
    let list = match m.into_inner() {
        StringOrList::String(s) => vec![Spanned::new(span.clone(), s)],
        StringOrList::List(l) if l.is_empty() => {
            return Err(cx
                .error(KEY, span, "`module` is an empty list")
                .help("name at least one import package, or remove `module` to use the project name"))
        }
        StringOrList::List(l) => l,
    };
    let mut out: Vec<Located<ModuleName>> = Vec::new();
    for name in list {
        let n = name.get_ref();
        let Ok(module) = ModuleName::new(n) else {
            let mut d = cx.error(KEY, name.span(), format!("`{n}` is not an importable module name"));
            let underscored = n.replace('-', "_");
            d = if n.contains('-') && ModuleName::new(&underscored).is_ok() {
                d.help(format!(
                    "import names use `_`, not `-`: `{underscored}` (only a PEP 561 stub-only package is named `<package>-stubs`)"
                ))
            } else if n.ends_with(".py") || n.contains('/') {
                d.help("give the import name (`acme` or `acme.plugins`), not a path; the folder goes in `source`")
            } else {
                d.help("use a dotted Python identifier such as `acme` or `acme.plugins`")
            };
            return Err(d);
        };
        if out.iter().any(|o| o.value == module) {
            return Err(cx.error(KEY, name.span(), format!("module `{n}` is listed twice")));
        }
        out.push(located(module, name.span()));
    }
    Ok(out)
}

/// `fallback`: a PEP 440 version, written normalised (it is what the artifacts carry).
fn fallback_version(cx: &Cx, f: &SStr) -> Res<Located<pep440_rs::Version>> {
    let text = f.get_ref();
    let version: pep440_rs::Version = text.parse().map_err(|e| {
        cx.error("tool.cartwheel.version.fallback", f.span(), format!("invalid version `{text}`: {e}"))
            .help("use a PEP 440 version such as `0.0.0` or `1.2.0.dev0`")
    })?;
    if version.to_string() != *text {
        return Err(cx
            .error(
                "tool.cartwheel.version.fallback",
                f.span(),
                format!("write `{version}`: it is what the artifacts carry"),
            )
            .help("the fallback is written in its PEP 440 normal form"));
    }
    Ok(located(version, f.span()))
}

/// gitignore-style globs, checked with the same parser `discover` matches them with.
fn globs(cx: &Cx, key: &str, list: Option<SList>) -> Res<Vec<Located<String>>> {
    let mut out = Vec::new();
    for g in list.map(Spanned::into_inner).unwrap_or_default() {
        let text = g.get_ref();
        if text.trim().is_empty() {
            return Err(cx.error(key, g.span(), "empty glob"));
        }
        // A `\` escapes the next character in a gitignore glob; before one that needs no
        // escaping it is a Windows path separator, and the glob would silently match nothing
        // (an exclude meant to keep a file out would let it through).
        let windows_separator = text.char_indices().find(|&(i, c)| {
            c == '\\' && text[i + 1..].starts_with(|n: char| n.is_alphanumeric() || "_-./".contains(n))
        });
        if let Some((i, _)) = windows_separator {
            let at = inner_span(cx.source, &g, i, 1);
            return Err(cx
                .error(key, at, format!("glob `{text}` uses `\\` as a path separator; globs use `/`"))
                .help(format!(
                    "write `{}` (a `\\` only escapes the character after it)",
                    text.replace('\\', "/")
                )));
        }
        let mut builder = ignore::gitignore::GitignoreBuilder::new(cx.root);
        if let Err(e) = builder.add_line(None, text) {
            // globset's message quotes the glob again.
            let e = e.to_string();
            let why = e.strip_prefix(&format!("error parsing glob '{text}': ")).unwrap_or(&e);
            return Err(cx.error(key, g.span(), format!("invalid glob `{text}`: {why}")));
        }
        out.push(located(text.clone(), g.span()));
    }
    Ok(out)
}

/// `data`: source → destination pairs, both normalised; a destination written with a trailing
/// `/` keeps it, since it means "into this folder" (`"share/x.json" = "data/share/t/"` installs
/// `share/t/x.json`, not a file called `t`).
fn data(cx: &Cx, table: Option<Spanned<raw::Entries<SStr>>>) -> Res<Vec<(Located<String>, Located<String>)>> {
    let mut out = Vec::new();
    for (src, dest) in table.map(|t| t.into_inner().0).unwrap_or_default() {
        let key = format!("tool.cartwheel.data.{}", src.get_ref());
        let src = path(cx, &key, &src, "data source")?;
        let mut d = path(cx, &key, &dest, "data destination")?;
        if dest.get_ref().trim_end().ends_with('/') {
            d.value.push('/');
        }
        let scheme = d.value.split('/').next().unwrap_or_default();
        if !SCHEMES.contains(&scheme) {
            let mut e = cx.error(
                &key,
                inner_span(cx.source, &dest, 0, scheme.len()),
                format!("`{scheme}` is not a wheel data scheme"),
            );
            e = match did_you_mean(scheme, SCHEMES.iter().copied()) {
                Some(s) => e.help(format!("did you mean `{s}`? (one of {})", SCHEMES.join(", "))),
                None => e.help(format!("the destination starts with one of {}", SCHEMES.join(", "))),
            };
            return Err(e);
        }
        out.push((src, d));
    }
    Ok(out)
}

fn check(cx: &Cx, c: &SStr) -> Res<CheckLevel> {
    let text = c.get_ref().as_str();
    CheckLevel::parse(text)
        .ok_or_else(|| unknown_choice(cx, "tool.cartwheel.check", c, text, &CheckLevel::CHOICES))
}

fn check_ignore(cx: &Cx, l: Option<SList>) -> Res<Vec<Located<String>>> {
    const KEY: &str = "tool.cartwheel.check-ignore";
    let mut out: Vec<Located<String>> = Vec::new();
    for s in l.map(Spanned::into_inner).unwrap_or_default() {
        let code = s.get_ref().as_str();
        if let Some((message, help)) = crate::project::unignorable(code) {
            return Err(cx.error(KEY, s.span(), message).help(help));
        }
        if !out.iter().any(|c| c.value == code) {
            out.push(located(code.to_string(), s.span()));
        }
    }
    Ok(out)
}

fn unknown_choice(cx: &Cx, key: &str, s: &SStr, value: &str, choices: &[&str]) -> Diag {
    let quoted: Vec<String> = choices.iter().map(|c| format!("\"{c}\"")).collect();
    let d = cx.error(key, s.span(), format!("`{value}` is not one of {}", quoted.join(", ")));
    match did_you_mean(value, choices.iter().copied()) {
        Some(sug) => d.help(format!("did you mean \"{sug}\"?")),
        None => d,
    }
}

#[derive(PartialEq, Clone, Copy)]
enum Kind {
    Pyproject,
    Module,
    Git,
    File,
}

fn version_config(
    cx: &mut Cx,
    raw: Option<Spanned<raw::ToolVersion>>,
    version_dynamic: Option<Range<usize>>,
    static_version: Option<Range<usize>>,
) -> Res<VersionConfig> {
    const KEY: &str = "tool.cartwheel.version";
    let (table_span, v) = match raw {
        Some(r) => (Some(r.span()), r.into_inner()),
        None => (
            None,
            raw::ToolVersion {
                source: None,
                path: None,
                pattern: None,
                tag_pattern: None,
                fallback: None,
                stamp: None,
                changelog: None,
            },
        ),
    };
    let kind = match &v.source {
        None if version_dynamic.is_some() => Kind::Module,
        None => Kind::Pyproject,
        Some(s) => {
            let kind = match s.get_ref().as_str() {
                "pyproject" => Kind::Pyproject,
                "module" => Kind::Module,
                "git" => Kind::Git,
                "file" => Kind::File,
                other => {
                    return Err(unknown_choice(
                        cx,
                        "tool.cartwheel.version.source",
                        s,
                        other,
                        &["pyproject", "module", "git", "file"],
                    ))
                }
            };
            match (&version_dynamic, kind) {
                (Some(dyn_span), Kind::Pyproject) => {
                    let (line, col) = cx.source.line_col(dyn_span.start);
                    return Err(cx
                        .error(
                            "tool.cartwheel.version.source",
                            s.span(),
                            "version source \"pyproject\" reads `project.version`, but \"version\" is listed in `project.dynamic`",
                        )
                        .help(format!("write `project.version` and remove \"version\" from `project.dynamic` (line {line}:{col}), or pick another source")));
                }
                (None, k) if k != Kind::Pyproject => {
                    let help = if static_version.is_some() {
                        "remove `project.version` and add `dynamic = [\"version\"]` to `[project]`"
                    } else {
                        "add `dynamic = [\"version\"]` to `[project]`"
                    };
                    return Err(cx
                        .error(
                            "tool.cartwheel.version.source",
                            s.span(),
                            format!(
                                "version source \"{}\" needs \"version\" in `project.dynamic`",
                                s.get_ref()
                            ),
                        )
                        .help(help));
                }
                _ => kind,
            }
        }
    };

    // Keys that only mean something for one source are errors elsewhere, not silently ignored.
    let misplaced = |key: &str, s: &SStr, source: &str| {
        cx.error(&format!("{KEY}.{key}"), s.span(), format!("`{key}` only applies to source = \"{source}\""))
            .help(format!("set `source = \"{source}\"` or remove `{key}`"))
    };
    if kind != Kind::File {
        if let Some(p) = &v.path {
            return Err(misplaced("path", p, "file"));
        }
        if let Some(p) = &v.pattern {
            return Err(misplaced("pattern", p, "file"));
        }
    }
    if kind != Kind::Git {
        if let Some(p) = &v.tag_pattern {
            return Err(misplaced("tag-pattern", p, "git"));
        }
        if let Some(f) = &v.fallback {
            return Err(misplaced("fallback", f, "git"));
        }
    }

    let source = match kind {
        Kind::Pyproject => VersionSource::Pyproject,
        Kind::Module => VersionSource::Module,
        Kind::Git => VersionSource::Git {
            tag_pattern: v
                .tag_pattern
                .as_ref()
                .map(|p| regex(cx, &format!("{KEY}.tag-pattern"), p, false))
                .transpose()?,
            fallback: v.fallback.as_ref().map(|f| fallback_version(cx, f)).transpose()?,
        },
        Kind::File => {
            let Some(p) = &v.path else {
                let span = v.source.as_ref().map(Spanned::span).or(table_span).unwrap_or_default();
                return Err(cx
                    .error(&format!("{KEY}.path"), span, "version source \"file\" needs `path`")
                    .help("add `path = \"src/acme/VERSION\"` (relative to the project root)"));
            };
            VersionSource::File {
                path: path(cx, &format!("{KEY}.path"), p, "version file")?,
                pattern: v
                    .pattern
                    .as_ref()
                    .map(|p| regex(cx, &format!("{KEY}.pattern"), p, true))
                    .transpose()?,
            }
        }
    };

    let stamp = v
        .stamp
        .map(|list| {
            list.into_inner()
                .iter()
                .map(|s| path(cx, &format!("{KEY}.stamp"), s, "stamp"))
                .collect::<Res<Vec<_>>>()
        })
        .transpose()?;
    let changelog =
        v.changelog.as_ref().map(|c| path(cx, &format!("{KEY}.changelog"), c, "changelog")).transpose()?;
    let chosen_by = match (&v.source, kind) {
        (Some(s), _) => located("tool.cartwheel.version.source", s.span()),
        (None, Kind::Module) => Located::new("project.dynamic", version_dynamic),
        (None, _) => Located::new("project.version", static_version),
    };
    Ok(VersionConfig { source, stamp, changelog, chosen_by })
}

fn regex(cx: &Cx, key: &str, p: &SStr, need_version_group: bool) -> Res<Located<String>> {
    let re = regex::Regex::new(p.get_ref()).map_err(|e| {
        let reason = e.to_string();
        let reason = reason.lines().last().unwrap_or_default().trim();
        let reason = reason.strip_prefix("error: ").unwrap_or(reason).to_string();
        cx.error(key, p.span(), format!("invalid regular expression: {reason}"))
    })?;
    if need_version_group && !re.capture_names().any(|n| n == Some("version")) {
        return Err(cx
            .error(key, p.span(), "the pattern has no group named `version`")
            .help("capture the version with `(?P<version>...)`, e.g. `VERSION = \"(?P<version>[^\"]+)\"`"));
    }
    Ok(located(p.get_ref().clone(), p.span()))
}

#[cfg(test)]
mod tests {
    use crate::project::{CheckLevel, VersionSource};
    use crate::pyproject::tests::{load_with, ok, printed_each, printed_each_full, HEAD};

    const DYN: &str = "[project]\nname = \"acme\"\ndynamic = [\"version\"]\n";

    #[test]
    fn module_forms() {
        let (p, _) = ok(&format!("{HEAD}[tool.cartwheel]\nmodule = \"acme.plugins.foo\"\n"));
        let m = p.tool.module.unwrap();
        assert_eq!(m[0].value, "acme.plugins.foo");
        assert_eq!(&p.source.text[m[0].span.clone().unwrap()], "\"acme.plugins.foo\"");
        insta::assert_snapshot!(printed_each(&[
            "[tool.cartwheel]\nmodule = \"acme-sdk\"\n",
            "[tool.cartwheel]\nmodule = [\"a\", \"src/a\"]\n",
            "[tool.cartwheel]\nmodule = []\n",
            "[tool.cartwheel]\nmodule = [\"a\", \"a\"]\n",
            "[tool.cartwheel]\nmodule = 3\n",
        ]));
    }

    #[test]
    fn stub_only_package_names() {
        // PEP 561: a stub-only distribution's package is `<package>-stubs`.
        let (p, _) =
            ok(&format!("{HEAD}[tool.cartwheel]\nmodule = [\"foo-stubs\", \"acme.plugins-stubs\"]\n"));
        let m = p.tool.module.unwrap();
        assert_eq!(m[0].value, "foo-stubs");
        assert_eq!(m[1].value, "acme.plugins-stubs");
        let bad = ["-stubs", "foo-bar-stubs", "foo-stubs-stubs2", "foo-stub", "1foo-stubs", "foo.-stubs"]
            .map(|m| format!("[tool.cartwheel]\nmodule = \"{m}\"\n"));
        insta::assert_snapshot!(printed_each(&bad.each_ref().map(String::as_str)));
    }

    #[test]
    fn data_destination_keeps_its_trailing_slash() {
        let (p, _) = ok(&format!(
            "{HEAD}[tool.cartwheel]\ndata = {{ \"share/x.json\" = \"data/share/t/\", \"bin\" = \"./scripts/\", \"y\" = \"data/share//y.json\" }}\n"
        ));
        let dests: Vec<&str> = p.tool.data.iter().map(|(_, d)| d.value.as_str()).collect();
        assert_eq!(dests, ["data/share/t/", "scripts/", "data/share/y.json"]);
        insta::assert_snapshot!(printed_each(&["[tool.cartwheel]\ndata = { x = \"/\" }\n"]));
    }

    #[test]
    fn paths_globs_data_check() {
        insta::assert_snapshot!(printed_each(&[
            "[tool.cartwheel]\nsource = \"/abs\"\n",
            "[tool.cartwheel]\ninclude = [\"\"]\n",
            "[tool.cartwheel]\nexclude = [\"a[z-a]\"]\n",
            "[tool.cartwheel]\ndata = { bin = \"script\" }\n",
            "[tool.cartwheel]\ndata = { bin = \"../x\" }\n",
            "[tool.cartwheel]\ncheck = \"warning\"\n",
        ]));
        let (p, _) = ok(&format!("{HEAD}[tool.cartwheel]\ncheck = \"off\"\n"));
        assert_eq!(p.tool.check, CheckLevel::Off);
    }

    #[test]
    fn check_ignore_names_warnings_only() {
        let (p, _) = ok(&format!("{HEAD}[tool.cartwheel]\ncheck-ignore = [\"W002\", \"D001\", \"W002\"]\n"));
        let codes: Vec<&str> = p.tool.check_ignore.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(codes, ["W002", "D001"]);
        insta::assert_snapshot!(printed_each(&[
            "[tool.cartwheel]\ncheck-ignore = [\"W002\", \"M004\"]\n",
            "[tool.cartwheel]\ncheck-ignore = [\"w002\"]\n",
            "[tool.cartwheel]\ncheck-ignore = [\"duplicates\"]\n",
            "[tool.cartwheel]\ncheck-ignore = \"W002\"\n",
        ]));
    }

    #[test]
    fn version_sources() {
        let (p, _) = ok(&format!(
            "{DYN}[tool.cartwheel.version]\nsource = \"git\"\ntag-pattern = \"^v(?P<version>.+)$\"\n"
        ));
        match p.tool.version.source {
            VersionSource::Git { tag_pattern, .. } => {
                assert_eq!(tag_pattern.unwrap().value, "^v(?P<version>.+)$")
            }
            other => panic!("{other:?}"),
        }
        let (p, _) = ok(&format!(
            "{DYN}[tool.cartwheel.version]\nsource = \"file\"\npath = \"VERSION\"\npattern = 'v = \"(?P<version>[^\"]+)\"'\nstamp = []\n"
        ));
        match &p.tool.version.source {
            VersionSource::File { path, pattern } => {
                assert_eq!(path.value, "VERSION");
                assert!(pattern.is_some());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(p.tool.version.stamp, Some(vec![]));
        let (p, _) = ok(&format!("{DYN}[tool.cartwheel.version]\nsource = \"module\"\n"));
        assert_eq!(p.tool.version.source, VersionSource::Module);
        // Errors about the source point at what chose it: the key, or `dynamic` by default.
        let by = &p.tool.version.chosen_by;
        assert_eq!(
            (by.value, &p.source.text[by.span.clone().unwrap()]),
            ("tool.cartwheel.version.source", "\"module\"")
        );
        let (p, _) = ok(DYN);
        let by = &p.tool.version.chosen_by;
        assert_eq!((by.value, &p.source.text[by.span.clone().unwrap()]), ("project.dynamic", "\"version\""));
    }

    #[test]
    fn version_source_rules() {
        insta::assert_snapshot!(printed_each(&["[tool.cartwheel.version]\nsource = \"git\"\n"]));
        let full = [
            "[tool.cartwheel.version]\nsource = \"pyproject\"\n",
            "[tool.cartwheel.version]\nsource = \"file\"\n",
            "[tool.cartwheel.version]\nsource = \"gti\"\n",
            "[tool.cartwheel.version]\nsource = \"file\"\npath = \"V\"\npattern = \"(\"\n",
            "[tool.cartwheel.version]\nsource = \"file\"\npath = \"V\"\npattern = \"v=(.*)\"\n",
            "[tool.cartwheel.version]\npath = \"V\"\n",
            "[tool.cartwheel.version]\nsource = \"file\"\npath = \"V\"\ntag-pattern = \"x\"\n",
            "[tool.cartwheel.version]\nstamp = [\"C:/x.py\"]\n",
        ]
        .map(|t| format!("{DYN}{t}"));
        insta::assert_snapshot!(
            "version_source_rules_dynamic",
            printed_each_full(&full.each_ref().map(String::as_str))
        );
        // The paths the version source names are only checked for shape; reading is `version`'s job.
        let (r, _, _d) =
            load_with(&format!("{DYN}[tool.cartwheel.version]\nchangelog = \"docs/CHANGES.md\"\n"), &[]);
        assert_eq!(r.unwrap().tool.version.changelog.unwrap().value, "docs/CHANGES.md");
    }
}
