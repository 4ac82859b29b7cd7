//! Embeds the Markdown content of the public site (`content/<lang>/<slug>.md`) in the binary,
//! so a fresh start can seed the database without the source tree.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() -> Result<(), String> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let content = manifest.join("../../content");
    println!("cargo:rerun-if-changed={}", content.display());
    let mut entries = Vec::new();
    for lang in ["nl", "en"] {
        let dir = content.join(lang);
        println!("cargo:rerun-if-changed={}", dir.display());
        let read =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in read {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("md") {
                continue;
            }
            println!("cargo:rerun-if-changed={}", path.display());
            let slug = path
                .file_stem()
                .and_then(|s| s.to_str())
                .ok_or_else(|| format!("bad file name {}", path.display()))?
                .to_owned();
            let abs = path.canonicalize().map_err(|e| e.to_string())?;
            entries.push((lang, slug, abs));
        }
    }
    entries.sort();
    let mut out = String::from(
        "/// The content files: (language, slug, text).\npub static CONTENT: &[(&str, &str, &str)] = &[\n",
    );
    for (lang, slug, path) in &entries {
        let _ = writeln!(
            out,
            "    ({lang:?}, {slug:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?).join("content_gen.rs");
    std::fs::write(&dest, out).map_err(|e| e.to_string())?;
    Ok(())
}
