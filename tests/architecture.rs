//! The engine's files depend one way: no file of `src/engine/` imports, directly or through
//! others, a file that imports it. The check reads the sources: every path a file names
//! (`use` lines and paths in code, through `super::`, `self::`, a child module's name or
//! `crate::engine::`) is an arrow from that file to the file of the module it names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The engine's folder.
const ENGINE: &str = "src/engine";

/// The module path of `file` within the engine (`["layer", "voice"]` for
/// `src/engine/layer/voice.rs`, `[]` for `src/engine/mod.rs`).
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(root).expect("a file of the engine");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            sources(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The modules `code` (one file, tests cut off) names, resolved from `module` (whose file is a
/// `mod.rs` if `is_dir`), among `known` modules: each as the longest known module path.
fn imports(code: &str, module: &[String], is_dir: bool, known: &[Vec<String>]) -> Vec<Vec<String>> {
    // The module a path's first segment is relative to.
    let parent: Vec<String> = if is_dir {
        module.to_vec()
    } else {
        module[..module.len().saturating_sub(1)].to_vec()
    };
    let mut found = Vec::new();
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .filter(|w| w.contains("::"))
        .collect();
    let use_lines = code
        .lines()
        .filter_map(|l| l.trim().strip_prefix("use "))
        .map(|l| l.trim_end_matches(';'));
    let paths = words
        .iter()
        .map(|w| w.to_string())
        .chain(use_lines.map(str::to_owned));
    for path in paths {
        let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        let mut base: Vec<String> = if is_dir {
            module.to_vec()
        } else {
            parent.clone()
        };
        match segments.first().copied() {
            Some("crate") if segments.get(1) == Some(&"engine") => {
                base.clear();
                segments.drain(..2);
            }
            Some("super") => {
                base = parent.clone();
                segments.remove(0);
                while segments.first() == Some(&"super") {
                    base.pop();
                    segments.remove(0);
                }
            }
            Some("self") => {
                base = module.to_vec();
                segments.remove(0);
            }
            _ => {
                // A child module of this file named directly (`layer::Layer`).
                base = module.to_vec();
            }
        }
        let mut target = base;
        let mut best = None;
        for segment in segments {
            let segment = segment.trim_start_matches('{');
            target.push(segment.to_owned());
            if known.contains(&target) {
                best = Some(target.clone());
            }
        }
        if let Some(target) = best.filter(|t| t.as_slice() != module) {
            found.push(target);
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The first cycle found from `start` in `graph`, as the modules along it.
fn cycle_from(
    graph: &BTreeMap<Vec<String>, Vec<Vec<String>>>,
    start: &Vec<String>,
    trail: &mut Vec<Vec<String>>,
) -> Option<Vec<Vec<String>>> {
    if let Some(at) = trail.iter().position(|m| m == start) {
        return Some(trail[at..].to_vec());
    }
    trail.push(start.clone());
    for next in graph.get(start).into_iter().flatten() {
        if let Some(cycle) = cycle_from(graph, next, trail) {
            return Some(cycle);
        }
    }
    trail.pop();
    None
}

/// The arrows between the engine's files, read from the sources.
fn engine_graph() -> BTreeMap<Vec<String>, Vec<Vec<String>>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(ENGINE);
    let mut files = Vec::new();
    sources(&root, &mut files);
    let known: Vec<Vec<String>> = files.iter().map(|f| module_of(&root, f)).collect();
    files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).expect("a source file");
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let code: String = code
                .lines()
                .map(|l| l.split("//").next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n");
            let module = module_of(&root, file);
            let is_dir = file.ends_with("mod.rs");
            let arrows = imports(&code, &module, is_dir, &known);
            (module, arrows)
        })
        .collect()
}

/// The reader sees the arrows the engine has: the engine's `mod.rs` imports its layers and the
/// layer its voices, so a test that found no arrow at all could not fail.
#[test]
fn the_reader_finds_the_engines_arrows() {
    let graph = engine_graph();
    let of = |m: &[&str]| -> Vec<String> { m.iter().map(|s| s.to_string()).collect() };
    assert!(graph[&of(&[])].contains(&of(&["layer"])), "{graph:?}");
    assert!(graph[&of(&["layer"])].contains(&of(&["layer", "voice"])));
    assert!(graph[&of(&["layer", "path"])].contains(&of(&["placement"])));
    assert!(graph[&of(&["layer", "seat"])].contains(&of(&["layer", "bus"])));
}

/// No file of the engine reaches itself by following imports.
#[test]
fn the_engines_files_import_without_a_cycle() {
    let graph = engine_graph();
    for module in graph.keys() {
        let cycle = cycle_from(&graph, module, &mut Vec::new());
        assert!(cycle.is_none(), "an import cycle: {cycle:?}");
    }
}
