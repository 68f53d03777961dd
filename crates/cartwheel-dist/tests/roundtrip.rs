//! Tree → wheel equals tree → sdist → wheel, byte for byte; and two builds are identical.

use std::fs;
use std::io::Read;
use std::path::Path;

use cartwheel_dist::build::Build;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn project(root: &Path) {
    write(
        root,
        "pyproject.toml",
        r#"[build-system]
requires = ["cartwheel"]
build-backend = "cartwheel"

[project]
name = "Acme.SDK"
version = "1.4.0"
description = "Acme database SDK"
readme = "README.md"
requires-python = ">=3.8"
license = "Apache-2.0"
dependencies = ["sqlalchemy>=2"]

[project.optional-dependencies]
Dev_Tools = ["pytest; python_version >= '3.9' or os_name == 'nt'"]

[project.scripts]
acme-client = "acme_sdk.cli:main"
"#,
    );
    write(root, "README.md", "# Acme\n\nAn SDK.\n");
    write(root, "LICENSE", "Apache License 2.0\n");
    write(root, "src/acme_sdk/__init__.py", "__version__ = \"0.0.0\"\n");
    write(root, "src/acme_sdk/cli.py", "def main():\n    print('hi')\n");
    write(root, "src/acme_sdk/py.typed", "");
    write(root, "src/acme_sdk/data/schema.json", "{}\n");
    write(root, "tests/test_x.py", "def test(): pass\n");
}

fn zip_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

#[test]
fn wheel_from_sdist_is_identical_and_builds_are_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("proj");
    project(&root);
    let out = tmp.path().join("out");

    let build = Build::prepare(&root, &mut Vec::new()).unwrap();
    let sdist = build.write_sdist(&out, &mut Vec::new()).unwrap();
    let wheel = build.write_wheel(&out, None, false, &mut Vec::new()).unwrap();
    assert_eq!(sdist.file_name(), "acme_sdk-1.4.0.tar.gz");
    assert_eq!(wheel.file_name(), "acme_sdk-1.4.0-py3-none-any.whl");

    // Reproducible: a second build writes the same bytes.
    let again = tmp.path().join("again");
    let b2 = Build::prepare(&root, &mut Vec::new()).unwrap();
    assert_hooks_write(&b2, &again, &sdist.path, &wheel.path);

    // Unpack the sdist and build the wheel from it.
    let unpacked = tmp.path().join("unpacked");
    let gz = flate2::read::GzDecoder::new(fs::File::open(&sdist.path).unwrap());
    tar::Archive::new(gz).unpack(&unpacked).unwrap();
    let from_sdist = Build::prepare(&unpacked.join("acme_sdk-1.4.0"), &mut Vec::new()).unwrap();
    let wheel2 = from_sdist.write_wheel(&tmp.path().join("out2"), None, false, &mut Vec::new()).unwrap();
    assert_eq!(fs::read(&wheel.path).unwrap(), fs::read(&wheel2.path).unwrap());

    // The stamped version reached the wheel, and RECORD is last.
    let entries = zip_entries(&wheel.path);
    let init = entries.iter().find(|(n, _)| n == "acme_sdk/__init__.py").unwrap();
    assert_eq!(init.1, b"__version__ = \"1.4.0\"\n");
    assert_eq!(entries.last().unwrap().0, "acme_sdk-1.4.0.dist-info/RECORD");
    assert!(!entries.iter().any(|(n, _)| n.starts_with("tests/")));
    // The source tree is untouched.
    assert_eq!(
        fs::read_to_string(root.join("src/acme_sdk/__init__.py")).unwrap(),
        "__version__ = \"0.0.0\"\n"
    );
}

#[test]
fn output_folder_inside_a_non_git_project_is_not_packed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("proj");
    project(&root);
    let out = root.join("artifacts");
    let first = Build::prepare(&root, &mut Vec::new()).unwrap().write_sdist(&out, &mut Vec::new()).unwrap();
    let second = Build::prepare(&root, &mut Vec::new()).unwrap().write_sdist(&out, &mut Vec::new()).unwrap();
    let gz = flate2::read::GzDecoder::new(fs::File::open(&second.path).unwrap());
    let names: Vec<String> = tar::Archive::new(gz)
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("artifacts")), "{names:?}");
    assert_eq!(first.size, second.size);
}

#[test]
fn one_pass_build_writes_the_hooks_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("proj");
    project(&root);
    // Big enough for several parallel gzip blocks and read batches; a script for `.data`.
    let big: String = (0..400_000).map(|i| format!("{i} {}\n", i % 37)).collect();
    write(&root, "src/acme_sdk/data/big.txt", &big);
    write(&root, "docs/guide.md", &"# guide\n".repeat(5000));
    let build = Build::prepare(&root, &mut Vec::new()).unwrap();
    let (sdist, wheel) = build.stage_both(&tmp.path().join("one")).unwrap();
    let (sdist, wheel) = (sdist.persist().unwrap(), wheel.persist().unwrap());
    assert_hooks_write(&build, &tmp.path().join("hooks"), &sdist.path, &wheel.path);
    assert!(zip_entries(&wheel.path)
        .iter()
        .any(|(n, d)| n == "acme_sdk/data/big.txt" && d == big.as_bytes()));
}

#[test]
fn record_wheel_and_entry_points_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("proj");
    project(&root);
    let wheel = Build::prepare(&root, &mut Vec::new())
        .unwrap()
        .write_wheel(&tmp.path().join("out"), None, false, &mut Vec::new())
        .unwrap();
    let entries = zip_entries(&wheel.path);
    let text = |suffix: &str| {
        let (_, data) = entries.iter().find(|(n, _)| n.ends_with(suffix)).unwrap();
        String::from_utf8(data.clone()).unwrap()
    };
    insta::assert_snapshot!("record", text(".dist-info/RECORD"));
    insta::assert_snapshot!("wheel", text(".dist-info/WHEEL"));
    insta::assert_snapshot!("entry_points", text(".dist-info/entry_points.txt"));
    insta::assert_snapshot!("metadata", text(".dist-info/METADATA"));
}

#[test]
fn module_version_source_reads_the_literal_and_locates_a_computed_one() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"modv\"\ndynamic = [\"version\"]\n[tool.cartwheel.version]\nstamp = []\n",
    );
    write(root, "modv/__init__.py", "\"\"\"Doc: __version__ = \"9.9\".\"\"\"\n__version__ = r'2.0.0-RC.1'\n");
    let build = Build::prepare(root, &mut Vec::new()).unwrap();
    assert_eq!(build.version.to_string(), "2.0.0rc1");

    write(root, "modv/__init__.py", "VERSION = '1'\n__version__ = VERSION\n");
    let err = Build::prepare(root, &mut Vec::new()).unwrap_err().to_diagnostic().to_string();
    // Shown beside pyproject.toml as that is shown (here under the absolute project path).
    insta::assert_snapshot!("computed_module_version", err.replace(&root.display().to_string(), "<project>"));

    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"modv\"\nversion = \"1.0\"\n[tool.cartwheel.version]\nstamp = [\"modv\"]\n",
    );
    let err = Build::prepare(root, &mut Vec::new()).unwrap_err().to_diagnostic().to_string();
    insta::assert_snapshot!(
        "stamp_target_is_a_folder",
        err.replace(&root.display().to_string(), "<project>")
    );
}

/// Make a link at `link` to `target` (relative to the link's folder).
fn symlink(target: &Path, link: &Path) {
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, link).unwrap();
    // Windows has a kind of link for each kind of target.
    #[cfg(windows)]
    if link.parent().unwrap().join(target).is_dir() {
        std::os::windows::fs::symlink_dir(target, link).unwrap();
    } else {
        std::os::windows::fs::symlink_file(target, link).unwrap();
    }
}

/// Copy a fixture folder (files, folders and symlinks) into `to`.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let kind = e.file_type().unwrap();
        if kind.is_symlink() {
            symlink(&fs::read_link(&src).unwrap(), &dst);
        } else if kind.is_dir() {
            copy_tree(&src, &dst);
        } else {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

/// The wheel's members (paths, sources, modes) as a wheel-only preparation lists them, and as
/// the full one does; or the error each gives.
fn wheel_both_ways(root: &Path) -> (String, String) {
    use cartwheel_core::discover::Scope;
    let members = |scope| {
        let mut w = Vec::new();
        match Build::prepare_scoped(root, scope, &mut w) {
            Ok(b) => format!(
                "{:?}",
                b.wheel_members(None).map(|(n, m)| (n.to_string(), m, b.metadata.render(false)))
            ),
            Err(e) => format!("error: {}", e.to_diagnostic()),
        }
    };
    (members(Scope::Wheel), members(Scope::Both))
}

#[test]
fn a_wheel_only_preparation_lists_the_same_wheel() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut seen = 0;
    for group in [fixtures.clone(), fixtures.join("broken")] {
        for e in fs::read_dir(&group).unwrap() {
            let e = e.unwrap();
            if !e.path().join("pyproject.toml").exists() {
                continue;
            }
            let dir = tempfile::tempdir().unwrap();
            copy_tree(&e.path(), dir.path());
            let (wheel_only, full) = wheel_both_ways(dir.path());
            assert_eq!(wheel_only, full, "{}", e.path().display());
            seen += 1;
        }
    }
    assert!(seen >= 20, "{seen} fixtures");
    // Files of the wheel outside the module folder: a data source, a license file in a folder,
    // and a link from the package into a folder that holds nothing else of the wheel.
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let toml = fs::read_to_string(dir.path().join("pyproject.toml")).unwrap();
    let toml = toml.replace(
        "license = \"Apache-2.0\"",
        "license = \"Apache-2.0\"\nlicense-files = [\"LICENSE\", \"legal/NOTICE.txt\"]",
    );
    fs::write(
        dir.path().join("pyproject.toml"),
        toml + "\n[tool.cartwheel.data]\n\"share/acme.conf\" = \"data/etc/\"\n",
    )
    .unwrap();
    write(dir.path(), "legal/NOTICE.txt", "notice\n");
    write(dir.path(), "share/acme.conf", "x = 1\n");
    write(dir.path(), "docs/shared/helper.py", "X = 1\n");
    symlink(Path::new("../../docs/shared"), &dir.path().join("src/acme_sdk/shared"));
    let (wheel_only, full) = wheel_both_ways(dir.path());
    assert!(
        full.contains("legal/NOTICE.txt") && full.contains("acme.conf") && full.contains("shared/helper.py"),
        "{full}"
    );
    assert_eq!(wheel_only, full);
    // Without the link (which makes the wheel-only walk see everything): a license file in a
    // folder named literally, and one a wildcard folder reaches.
    fs::remove_file(dir.path().join("src/acme_sdk/shared")).unwrap();
    let toml = fs::read_to_string(dir.path().join("pyproject.toml")).unwrap();
    for glob in ["legal/NOTICE.txt", "*/NOTICE.txt"] {
        let pattern = format!("license-files = [\"LICENSE\", \"{glob}\"]");
        let edited = toml.replace("license-files = [\"LICENSE\", \"legal/NOTICE.txt\"]", &pattern);
        fs::write(dir.path().join("pyproject.toml"), edited).unwrap();
        let (wheel_only, full) = wheel_both_ways(dir.path());
        assert!(full.contains("legal/NOTICE.txt") && !full.contains("helper.py"), "{glob}: {full}");
        assert_eq!(wheel_only, full, "{glob}");
    }
}

/// The sdist and wheel hooks of `build`, writing into `out`, make the bytes of `sdist` and
/// `wheel`.
fn assert_hooks_write(build: &Build, out: &Path, sdist: &Path, wheel: &Path) {
    let written = build.write_sdist(out, &mut Vec::new()).unwrap();
    assert_eq!(fs::read(sdist).unwrap(), fs::read(written.path).unwrap());
    let written = build.write_wheel(out, None, false, &mut Vec::new()).unwrap();
    assert_eq!(fs::read(wheel).unwrap(), fs::read(written.path).unwrap());
}
