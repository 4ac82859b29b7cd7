//! `docs/ARCHITECTURE.md` matches the tree: every source file of the crates is named in its map,
//! and every file the map names exists. A module added, moved or removed without the map fails
//! here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file below `dir`, as a path relative to it with `/` separators.
fn rust_files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable source folder") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(dir).expect("below its folder");
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// The `name.rs` and `folder/name.rs` words of a text.
fn named_files(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '/' || c == '.'))
        .filter(|w| w.ends_with(".rs"))
        .map(|w| w.trim_start_matches('/').to_owned())
        .collect()
}

fn doc() -> String {
    std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).expect("docs/ARCHITECTURE.md")
}

/// The folder map's row of a folder.
fn row<'a>(doc: &'a str, folder: &str) -> &'a str {
    let key = format!("| `{folder}` |");
    doc.lines()
        .find(|l| l.starts_with(&key))
        .unwrap_or_else(|| panic!("the folder map has no row for {folder}"))
}

#[test]
fn the_folder_map_names_every_module_of_domain_store_and_the_binary() {
    let doc = doc();
    for folder in [
        "crates/domain/src/",
        "crates/store/src/",
        "crates/passend/src/",
    ] {
        let named = named_files(row(&doc, folder));
        let files = rust_files(&root().join(folder));
        let unnamed: Vec<_> = files.difference(&named).collect();
        let missing: Vec<_> = named.difference(&files).collect();
        assert!(
            unnamed.is_empty(),
            "{folder}: not in ARCHITECTURE.md: {unnamed:?}"
        );
        assert!(
            missing.is_empty(),
            "{folder}: named but not there: {missing:?}"
        );
    }
}

#[test]
fn the_web_map_names_every_module_and_only_modules_that_exist() {
    let doc = doc();
    let start = doc.find("## The web layer").expect("a web layer section");
    let block = doc[start..]
        .split("```")
        .nth(1)
        .expect("the web layer's tree in a code block");
    let files = rust_files(&root().join("crates/web/src"));
    let named = named_files(block);
    // A file is named by its own name in its folder's entry: "access.rs", "texts/" … "portal.rs",
    // "page/shape.rs"; an area's mod.rs by its folder.
    for f in &files {
        let mut parts: Vec<&str> = f.split('/').collect();
        let name = parts.pop().unwrap_or_default();
        let folder = parts.last().map(|p| format!("{p}/"));
        let found = match folder {
            None => named.contains(name),
            Some(folder) if name == "mod.rs" => block.contains(&folder),
            Some(folder) => {
                named.contains(&format!("{folder}{name}"))
                    || (block.contains(&folder) && named.contains(name))
            }
        };
        assert!(
            found,
            "crates/web/src/{f} is not in the web map of ARCHITECTURE.md"
        );
    }
    for n in &named {
        assert!(
            files
                .iter()
                .any(|f| f == n || f.ends_with(&format!("/{n}"))),
            "the web map names {n}, which is not in crates/web/src"
        );
    }
}
