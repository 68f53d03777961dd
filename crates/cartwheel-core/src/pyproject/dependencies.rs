//! `dependencies` and `optional-dependencies`: PEP 508 requirements, normalised extras (PEP 685).

#[allow(unused_imports)]
use super::*;

pub(super) fn requirement(cx: &Cx, key: &str, r: &SStr) -> Res<String> {
    let help = "write a PEP 508 requirement such as `requests>=2.28` or `tomli; python_version < \"3.11\"`";
    let text = r.get_ref();
    crate::names::check_before_pep508(text)
        .map_err(|why| cx.error(key, r.span(), format!("invalid requirement: {why}")).help(help))?;
    match pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(text) {
        // Validated, but kept as written: pep508_rs's Display rewrites markers
        // (`python_version` → `python_full_version`), which METADATA should not show.
        Ok(_) => Ok(text.trim().to_string()),
        Err(e) => {
            let span = inner_span(cx.source, r, e.start, e.len);
            Err(cx
                .error(key, span, format!("invalid requirement: {}", first_line(&e.message.to_string())))
                .help(help))
        }
    }
}

pub(super) fn requirements(cx: &Cx, key: &str, list: Option<SList>) -> Res<Vec<String>> {
    strings(list).iter().map(|r| requirement(cx, key, r)).collect()
}

pub(super) fn extras(
    cx: &Cx,
    table: Option<Spanned<raw::Entries<SList>>>,
) -> Res<IndexMap<String, Vec<String>>> {
    let mut out: IndexMap<String, Vec<String>> = IndexMap::new();
    let mut seen: Vec<(String, SStr)> = Vec::new();
    for (extra, reqs) in table.map(|t| t.into_inner().0).unwrap_or_default() {
        let key = format!("project.optional-dependencies.{}", key_part(extra.get_ref()));
        let normalized = normalize_extra(extra.get_ref())
            .map_err(|e| cx.error(&key, extra.span(), format!("invalid extra name: {e}")))?;
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == normalized) {
            let (line, col) = cx.source.line_col(first.span().start);
            return Err(cx
                .error(
                    &key,
                    extra.span(),
                    format!(
                        "extras `{}` and `{}` are the same name once normalised (`{normalized}`)",
                        first.get_ref(),
                        extra.get_ref()
                    ),
                )
                .help(format!("merge this extra into the one at line {line}:{col}")));
        }
        let reqs = requirements(cx, &key, Some(reqs))?;
        seen.push((normalized.clone(), extra));
        out.insert(normalized, reqs);
    }
    Ok(out)
}
