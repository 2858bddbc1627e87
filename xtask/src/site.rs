//! The site build: wasm, bindings, optimisation, stylesheet.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the site is built from and into; the values mirror `[[workspace.metadata.leptos]]`
/// in the workspace's Cargo.toml (a test keeps the two in step).
pub struct Layout {
    pub root: PathBuf,
    pub output_name: &'static str,
    pub lib_package: &'static str,
    pub lib_features: &'static str,
    pub lib_profile: &'static str,
    pub style_file: &'static str,
    pub site_root: &'static str,
    pub site_pkg_dir: &'static str,
}

impl Layout {
    pub fn workspace() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default();
        Self {
            root,
            output_name: "roundtable",
            lib_package: "app",
            lib_features: "hydrate",
            lib_profile: "wasm-release",
            style_file: "style/main.css",
            site_root: "target/site",
            site_pkg_dir: "pkg",
        }
    }

    /// cargo-leptos's folder for the front end's build, so both tools reuse each other's work.
    fn front_target(&self) -> PathBuf {
        self.root.join("target/front")
    }

    fn pkg(&self) -> PathBuf {
        self.root.join(self.site_root).join(self.site_pkg_dir)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{step} could not start: {source}")]
    Spawn { step: &'static str, source: std::io::Error },
    #[error("{step} failed ({status})")]
    Failed { step: &'static str, status: std::process::ExitStatus },
    #[error("wasm-bindgen: {0}")]
    Bindgen(String),
    #[error("wasm-split: {0}")]
    Split(String),
    #[error("{path}: {source}")]
    File { path: PathBuf, source: std::io::Error },
}

/// Sizes of what was written, for the build log.
pub struct Report {
    /// The main module, which every page loads, as built and gzipped.
    pub wasm_bytes: u64,
    pub wasm_gzipped: u64,
    /// The lazily loaded chunks (a page loads those its area needs), and how many there are.
    pub chunk_bytes: u64,
    pub chunks: usize,
    pub js_bytes: u64,
    pub css_bytes: u64,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "site built: wasm {} KB ({} KB gzipped; and {} lazily loaded chunks, {} KB in all), js {} KB, css {} KB",
            self.wasm_bytes / 1024,
            self.wasm_gzipped / 1024,
            self.chunks,
            self.chunk_bytes / 1024,
            self.js_bytes / 1024,
            self.css_bytes / 1024
        )
    }
}

pub fn build(layout: &Layout) -> Result<Report, Error> {
    let wasm = compile_wasm(layout)?;
    let pkg = layout.pkg();
    clear(&pkg)?;
    let (main, chunks) = split(layout, &wasm, &pkg)?;
    bindgen(layout, &main, &pkg)?;
    // HydrationScripts asks for `{output_name}.wasm`, not wasm-bindgen's `_bg` name.
    let bg = pkg.join(format!("{}_bg.wasm", layout.output_name));
    let out_wasm = pkg.join(format!("{}.wasm", layout.output_name));
    rename(&bg, &out_wasm)?;
    remove_if_present(&pkg.join(format!("{}_bg.wasm.d.ts", layout.output_name)))?;
    optimise(&out_wasm)?;
    let mut chunk_bytes = 0;
    for chunk in &chunks {
        optimise(chunk)?;
        chunk_bytes += size(chunk)?;
    }
    let css = pkg.join(format!("{}.css", layout.output_name));
    let style = layout.root.join(layout.style_file);
    std::fs::copy(&style, &css).map_err(|source| Error::File { path: style, source })?;
    Ok(Report {
        wasm_bytes: size(&out_wasm)?,
        wasm_gzipped: gzipped(&out_wasm)?,
        chunk_bytes,
        chunks: chunks.len(),
        js_bytes: size(&pkg.join(format!("{}.js", layout.output_name)))?,
        css_bytes: size(&css)?,
    })
}

fn compile_wasm(layout: &Layout) -> Result<PathBuf, Error> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target_dir = layout.front_target();
    let status = Command::new(cargo)
        .current_dir(&layout.root)
        .args(["build", "--package", layout.lib_package, "--lib", "--target", "wasm32-unknown-unknown"])
        .args(["--no-default-features", "--features", layout.lib_features, "--profile", layout.lib_profile])
        .arg("--target-dir")
        .arg(&target_dir)
        .env("LEPTOS_OUTPUT_NAME", layout.output_name)
        // wasm-split reads the relocations to find what each lazy route alone needs.
        .env("RUSTFLAGS", format!("{} -Clink-args=--emit-relocs", std::env::var("RUSTFLAGS").unwrap_or_default()).trim())
        .status()
        .map_err(|source| Error::Spawn { step: "cargo build (wasm)", source })?;
    if !status.success() {
        return Err(Error::Failed { step: "cargo build (wasm)", status });
    }
    Ok(target_dir.join("wasm32-unknown-unknown").join(layout.lib_profile).join(format!("{}.wasm", layout.lib_package)))
}

/// Old chunks (their names carry hashes) go, so the folder holds only this build.
fn clear(pkg: &Path) -> Result<(), Error> {
    if pkg.exists() {
        std::fs::remove_dir_all(pkg).map_err(|source| Error::File { path: pkg.to_path_buf(), source })?;
    }
    std::fs::create_dir_all(pkg).map_err(|source| Error::File { path: pkg.to_path_buf(), source })
}

/// Splits the wasm at its lazy routes, as `cargo leptos build --split` does: the chunks and
/// their loader (`__wasm_split.*.js`) go to `pkg`, with the manifest Leptos reads to preload
/// a route's chunks; the main module, still to be bound, goes beside the input.
fn split(layout: &Layout, wasm: &Path, pkg: &Path) -> Result<(PathBuf, Vec<PathBuf>), Error> {
    let input = std::fs::read(wasm).map_err(|source| Error::File { path: wasm.to_path_buf(), source })?;
    let main = wasm.with_file_name(format!("{}_split.wasm", layout.lib_package));
    let main_module = format!("./{}.js", layout.output_name);
    let mut opts = wasm_split_cli_support::Options::new(&input);
    opts.output_dir = pkg;
    opts.main_out_path = &main;
    opts.main_module = &main_module;
    opts.link_name = "./__wasm_split.______________________.js";
    let out = wasm_split_cli_support::transform(opts).map_err(|e| Error::Split(format!("{e:#}")))?;
    let manifest = pkg.join("__wasm_split_manifest.json");
    let json = serde_json::to_string_pretty(&out.prefetch_map).map_err(|e| Error::Split(e.to_string()))?;
    std::fs::write(&manifest, json).map_err(|source| Error::File { path: manifest, source })?;
    Ok((main, out.split_modules))
}

fn bindgen(layout: &Layout, wasm: &Path, pkg: &Path) -> Result<(), Error> {
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    // The split chunks call the main module through the exports the linker left.
    bindgen.input_path(wasm).out_name(layout.output_name).typescript(true).keep_lld_exports(true).demangle(false);
    bindgen.web(true).map_err(|e| Error::Bindgen(e.to_string()))?;
    bindgen.generate(pkg).map_err(|e| Error::Bindgen(format!("{e:#}")))
}

/// The same optimisation cargo-leptos applies to a release build.
fn optimise(wasm: &Path) -> Result<(), Error> {
    let status = Command::new("wasm-opt")
        .args(["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int"])
        .arg(wasm)
        .arg("-o")
        .arg(wasm)
        .status()
        .map_err(|source| Error::Spawn { step: "wasm-opt (npm binaryen)", source })?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Failed { step: "wasm-opt", status })
    }
}

fn rename(from: &Path, to: &Path) -> Result<(), Error> {
    std::fs::rename(from, to).map_err(|source| Error::File { path: from.to_path_buf(), source })
}

fn remove_if_present(path: &Path) -> Result<(), Error> {
    match std::fs::remove_file(path) {
        Err(source) if source.kind() != std::io::ErrorKind::NotFound => Err(Error::File { path: path.to_path_buf(), source }),
        _ => Ok(()),
    }
}

/// The file's size gzipped at the default level (as a server or proxy would send it).
fn gzipped(path: &Path) -> Result<u64, Error> {
    use std::io::Write;
    let data = std::fs::read(path).map_err(|source| Error::File { path: path.to_path_buf(), source })?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let out = gz.write_all(&data).and_then(|()| gz.finish());
    out.map(|bytes| bytes.len() as u64).map_err(|source| Error::File { path: path.to_path_buf(), source })
}

fn size(path: &Path) -> Result<u64, Error> {
    std::fs::metadata(path).map(|m| m.len()).map_err(|source| Error::File { path: path.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::Layout;

    /// `cargo leptos watch` and this build must write the same site.
    #[test]
    fn layout_matches_the_leptos_metadata() {
        let layout = Layout::workspace();
        let manifest = std::fs::read_to_string(layout.root.join("Cargo.toml")).unwrap_or_default();
        for (key, value) in [
            ("name", layout.output_name),
            ("lib-package", layout.lib_package),
            ("lib-profile-release", layout.lib_profile),
            ("style-file", layout.style_file),
            ("site-root", layout.site_root),
            ("site-pkg-dir", layout.site_pkg_dir),
        ] {
            let line = format!("{key} = \"{value}\"");
            assert!(manifest.lines().any(|l| l.trim() == line), "Cargo.toml lacks `{line}`");
        }
        assert!(manifest.contains(&format!("lib-features = [\"{}\"]", layout.lib_features)));
    }
}
