//! Structure read from the sources. The engine's files depend one way: no file of
//! `src/engine/` imports, directly or through others, a file that imports it (every path a file
//! names, in `use` lines and in code, through `super::`, `self::`, a child module's name or
//! `crate::engine::`, is an arrow from that file to the file of the module it names). And every
//! setting's range is written once, in `src/ranges.rs`.

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

/// Folders whose code uses the settings' ranges.
const USERS: [&str; 8] = [
    "src/params",
    "src/personal",
    "src/engine",
    "src/editor",
    "src/scene",
    "src/bin",
    "src/binaural",
    "src/samples",
];
/// Folders where a literal 0 ..= 1 would be a share setting's range (elsewhere, e.g. in the
/// editor's drawing, it is a fraction of a bar or a fade).
const SHARE_USERS: [&str; 3] = ["src/params", "src/engine", "src/bin"];

/// (min, max) of every range in this module.
fn known() -> Vec<(f64, f64)> {
    use tingle::ranges::*;
    let f = |r: Range<f32>| (f64::from(r.min), f64::from(r.max));
    let i = |r: Range<i32>| (f64::from(r.min), f64::from(r.max));
    let u = |r: Range<u32>| (f64::from(r.min), f64::from(r.max));
    vec![
        f(AZIMUTH_DEG),
        f(ELEVATION_DEG),
        f(DISTANCE_M),
        f(MOTION_RATE_HZ),
        f(INPUT_GAIN_DB),
        f(OUTPUT_GAIN_DB),
        u(SEED),
        f(BED_LEVEL_DB),
        i(SESSION_MINUTES),
        i(SESSION_FADE_S),
        f(LEVEL_DB),
        f(RHYTHM_RATE_PER_S),
        u(BURST),
        f(BURST_SPACING_MS),
        (f64::from(MIDI_NOTE.min), f64::from(MIDI_NOTE.max)),
        f(SPREAD_DEG),
        f(DISTANCE_SPREAD_OCT),
        f(SAMPLE_ATTACK_MS),
        f(SAMPLE_RELEASE_MS),
        f(SAMPLE_LENGTH_S),
        u(SAMPLE_RATE_HZ),
        f(TEMPO_BPM),
        u(BLOCK_SIZE),
        f(TAIL_S),
        f(DURATION_S),
        f(GALLERY_S),
        f(RENDER_FADE_S),
        f(LOUDNESS_LUFS),
    ]
}

/// The numbers written in `code` (a line without its comment), with where each starts and
/// ends.
fn numbers(code: &str) -> Vec<(usize, usize, f64)> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let starts_number = bytes[at].is_ascii_digit()
            && (at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_'));
        if !starts_number {
            at += 1;
            continue;
        }
        let negative = at > 0 && bytes[at - 1] == b'-';
        let start = if negative { at - 1 } else { at };
        let mut end = at;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit()
                || bytes[end] == b'_'
                || (bytes[end] == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
        {
            end += 1;
        }
        if let Ok(value) = code[start..end].replace('_', "").parse::<f64>() {
            found.push((start, end, value));
        }
        at = end;
    }
    found
}

/// Pairs of numbers written as a range: `clamp(a, b)`, `a..=b`, `min: a, max: b`, or a
/// constant pair `= (a, b)`.
fn literal_ranges(code: &str) -> Vec<(f64, f64)> {
    let numbers = numbers(code);
    numbers
        .windows(2)
        .filter(|pair| {
            let squeeze =
                |text: &str| -> String { text.chars().filter(|c| !c.is_whitespace()).collect() };
            let before = squeeze(&code[..pair[0].0]);
            match squeeze(&code[pair[0].1..pair[1].0]).as_str() {
                "..=" => true,
                "," => before.ends_with("clamp(") || before.ends_with("=("),
                ",max:" => before.ends_with("min:"),
                _ => false,
            }
        })
        .map(|pair| (pair[0].2, pair[1].2))
        .collect()
}

/// The scanner finds ranges written the ways code writes them, and only those.
#[test]
fn literal_ranges_are_found() {
    assert_eq!(literal_ranges("x.clamp(-40.0, 90.0)"), [(-40.0, 90.0)]);
    assert_eq!(literal_ranges("8_000..=384_000"), [(8000.0, 384_000.0)]);
    assert_eq!(
        literal_ranges("Linear { min: 0.05, max: 30.0 }"),
        [(0.05, 30.0)]
    );
    assert_eq!(
        literal_ranges("const R: (u32, u32) = (8_000, 384_000);"),
        [(8000.0, 384_000.0)]
    );
    assert!(literal_ranges("f(0.5, 2.0) + g(2.0)").is_empty());
    assert!(literal_ranges("for ear in 0..2 { LAYER_2, 3 }").is_empty());
}

/// No file that uses the settings' ranges writes one of them as literal numbers (outside
/// its tests and comments): they come from this module.
#[test]
fn no_range_literals_outside_the_ranges_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let known = known();
    let mut files = Vec::new();
    for dir in USERS {
        sources(&root.join(dir), &mut files);
    }
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a source file");
        let shares = SHARE_USERS.iter().any(|d| file.starts_with(root.join(d)));
        for (n, line) in text.lines().enumerate() {
            if line.trim_start() == "#[cfg(test)]" {
                break;
            }
            let code = line.split("//").next().unwrap_or("");
            for pair in literal_ranges(code) {
                if known.contains(&pair) || (shares && pair == (0.0, 1.0)) {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "ranges written out of ranges.rs:\n{}",
        found.join("\n")
    );
}
