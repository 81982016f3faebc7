//! The rules of `ARCHITECTURE.md`, checked on the sources under `src/`: each module uses only
//! the modules its row of the layer table allows (`crate::X` and `super::` paths that reach
//! the crate root), nothing outside `store` knows SQLite, nothing below `cli` prints or exits,
//! and `anyhow` is only in `cli`.
//!
//! Comments and string literals are blanked before the search, and `#[cfg(test)]` code is left
//! out: tests may build fixtures with any module (the demo, synthetic projects) and print.
//! Paths are found by text, not by name resolution: a `use` of a re-export counts as a use of
//! the module that re-exports it, which is what the rules are about.

use std::path::{Path, PathBuf};

/// The layer table of `ARCHITECTURE.md`, top first: each module of the crate and the modules
/// it may use ("*": every module). A module of the crate missing here fails the test, so a
/// new module gets a line here and in `ARCHITECTURE.md`. `main.rs` stands for the binary.
const LAYERS: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("numbers", &[]),
    ("progress", &[]),
    // rng, synth and demo are one layer, so they may use each other.
    (
        "rng",
        &["model", "numbers", "engine", "io", "synth", "demo"],
    ),
    (
        "synth",
        &["model", "numbers", "engine", "io", "rng", "demo"],
    ),
    (
        "demo",
        &["model", "numbers", "engine", "io", "rng", "synth"],
    ),
    ("engine", &["model", "numbers"]),
    ("geometry", &["numbers", "rng"]),
    ("units", &["model", "numbers", "engine", "geometry"]),
    ("design", &["model", "engine", "rng", "units"]),
    ("store", &["model"]),
    ("edit", &["model", "geometry"]),
    ("geocode", &[]),
    (
        "io",
        &[
            "model", "progress", "engine", "geometry", "units", "geocode", "store",
        ],
    ),
    ("basemap", &[]),
    (
        "session",
        &[
            "model", "progress", "engine", "store", "edit", "io", "demo", "units", "design",
        ],
    ),
    (
        "app",
        &[
            "model", "numbers", "progress", "rng", "synth", "demo", "engine", "store", "edit",
            "geocode", "io", "basemap", "session", "units", "design",
        ],
    ),
    (
        "cli",
        &[
            "model", "numbers", "progress", "rng", "synth", "demo", "engine", "store", "edit",
            "geocode", "io", "basemap", "session", "units", "design",
        ],
    ),
    ("main.rs", &["cli", "app"]),
];

/// Breaches accepted for a while, one line each with the reason: (file, what it uses). What
/// is a module name, `rusqlite`, `anyhow` or the printing or exiting call. Delete a line when
/// its breach is fixed: the test fails while a line matches nothing. None at the moment.
const KNOWN: &[(&str, &str)] = &[];

/// Calls that print or end the process: only `cli` and `main.rs` may make them.
const PRINTS: &[&str] = &[
    "println!",
    "eprintln!",
    "print!",
    "eprint!",
    "dbg!",
    "process::exit",
    "process::abort",
];

/// One source file: its path from the repository root, its module path below the crate root
/// (`src/io/accounts/read.rs`: io, accounts, read) and its code with comments and string
/// contents blanked and test code marked.
struct Source {
    path: String,
    module: Vec<String>,
    code: String,
    /// Per byte of `code`: inside `#[cfg(test)]` code.
    test: Vec<bool>,
}

impl Source {
    /// The top-level module (`main.rs` for the binary's root).
    fn top(&self) -> &str {
        self.module.first().map_or("main.rs", String::as_str)
    }

    /// The 1-based line of byte `at`.
    fn line(&self, at: usize) -> usize {
        self.code[..at].matches('\n').count() + 1
    }
}

/// A rule broken at one place.
struct Breach {
    path: String,
    line: usize,
    /// What was used or called: a module name, `rusqlite`, `anyhow`, `eprintln!`...
    what: String,
    rule: String,
}

#[test]
fn the_sources_follow_the_architecture() {
    let sources = read_sources();
    assert!(sources.len() > 20, "found only {} sources", sources.len());
    let mut breaches = Vec::new();
    for s in &sources {
        check_layers(s, &mut breaches);
        check_words(s, &mut breaches);
    }
    let mut report = Vec::new();
    for b in &breaches {
        if !KNOWN.iter().any(|&(p, w)| p == b.path && w == b.what) {
            report.push(format!("{}:{}: {}", b.path, b.line, b.rule));
        }
    }
    for (path, what) in KNOWN {
        if !breaches.iter().any(|b| b.path == *path && b.what == *what) {
            report.push(format!(
                "tests/architecture.rs: known breach ({path}, {what}) is gone: delete its line in KNOWN"
            ));
        }
    }
    assert!(
        report.is_empty(),
        "ARCHITECTURE.md's rules are broken:\n{}",
        report.join("\n")
    );
}

/// The source scan itself catches what it should and skips comments, strings and tests.
#[test]
fn the_scan_sees_code_only() {
    let text = r##"
use crate::engine::live::LiveAssignment;
use crate::{io::export, model};
// crate::store in a comment
/// [`crate::store::ProjectFile`] in a doc comment
fn f() -> usize { let s = "crate::store and println!"; let r = r#"crate::app"#; s.len() + r.len() }
fn g() { super::cli::main(); }
#[cfg(test)]
mod tests {
    use crate::demo;
    fn h() { println!("{}", '{'); }
}
#[cfg(test)]
fn helper() -> [u8; 2] { [0; 2] }
"##;
    let s = source("src/numbers.rs", text);
    let used: Vec<(String, usize)> = uses(&s)
        .into_iter()
        .map(|(m, at)| (m, s.line(at)))
        .collect();
    let expected = [("engine", 2), ("io", 3), ("model", 3), ("cli", 7)];
    assert_eq!(
        used,
        expected.map(|(m, l)| (m.to_owned(), l)).to_vec(),
        "module uses"
    );
    let mut breaches = Vec::new();
    check_words(&s, &mut breaches);
    assert!(breaches.is_empty(), "only test code prints");
    let s = source(
        "src/io/accounts/read.rs",
        "use super::super::super::store::X;\n",
    );
    assert_eq!(uses(&s).first().map(|(m, _)| m.as_str()), Some("store"));
    let s = source("src/io/accounts/read.rs", "use super::super::route::X;\n");
    assert!(uses(&s).is_empty(), "super:: within io is io");
}

/// Every `.rs` file under `src/`, sorted.
fn read_sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("src"), &mut files);
    files.sort();
    let mut sources: Vec<Source> = files
        .iter()
        .map(|file| {
            let text =
                std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let path = file
                .strip_prefix(root)
                .unwrap_or(file)
                .to_string_lossy()
                .replace('\\', "/");
            source(&path, &text)
        })
        .collect();
    // Files that are test modules as a whole (`#[cfg(test)] mod tests;`).
    let test_files: Vec<String> = sources.iter().flat_map(test_module_files).collect();
    for s in &mut sources {
        if test_files.contains(&s.path) {
            s.test.iter_mut().for_each(|t| *t = true);
        }
    }
    sources
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A source from its path (from the repository root) and text.
fn source(path: &str, text: &str) -> Source {
    let inner = path.trim_start_matches("src/").trim_end_matches(".rs");
    let mut module: Vec<String> = inner.split('/').map(str::to_owned).collect();
    if matches!(
        module.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        module.pop();
    }
    let code = blank_comments_and_strings(text);
    let mut test = test_code(&code);
    if code.contains("#![cfg(test)]") {
        test.iter_mut().for_each(|t| *t = true);
    }
    Source {
        path: path.to_owned(),
        module,
        code,
        test,
    }
}

/// The text with comments and the contents of string and character literals replaced by
/// spaces (newlines kept), so that byte offsets and lines stay those of the file.
fn blank_comments_and_strings(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |k| i + k);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // Block comments nest in Rust.
                let (mut depth, mut j) = (0, i);
                while j < b.len() {
                    if b[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if b[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                blank(&mut out, i, j);
                i = j;
            }
            b'r' | b'b'
                if !b[..i]
                    .last()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    && raw_string_start(&b[i..]).is_some() =>
            {
                let (hashes, open) = raw_string_start(&b[i..]).unwrap_or_default();
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let body = i + open;
                let end = b[body..]
                    .windows(close.len())
                    .position(|w| w == close.as_slice())
                    .map_or(b.len(), |k| body + k);
                blank(&mut out, body, end);
                i = end + close.len();
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i + 1, j.min(b.len()));
                i = j + 1;
            }
            b'\'' => {
                // A character literal ('x', '\n', '\u{7b}'), not a lifetime ('a).
                let end = if b.get(i + 1) == Some(&b'\\') {
                    b[i + 2..]
                        .iter()
                        .position(|&c| c == b'\'')
                        .map(|k| i + 2 + k)
                } else {
                    let len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (b.get(i + 1 + len) == Some(&b'\'')).then_some(i + 1 + len)
                };
                match end {
                    Some(end) => {
                        blank(&mut out, i + 1, end);
                        i = end + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// At a raw string (`r"`, `r#"`, `br#"`): the number of `#` and the length of the opening.
fn raw_string_start(b: &[u8]) -> Option<(usize, usize)> {
    let after_b = usize::from(b.first() == Some(&b'b'));
    if b.get(after_b) != Some(&b'r') {
        return None;
    }
    let hashes = b[after_b + 1..].iter().take_while(|&&c| c == b'#').count();
    (b.get(after_b + 1 + hashes) == Some(&b'"')).then_some((hashes, after_b + hashes + 2))
}

/// Per byte: inside an item marked `#[cfg(test)]` (from the attribute to the item's end).
fn test_code(code: &str) -> Vec<bool> {
    let b = code.as_bytes();
    let mut test = vec![false; b.len()];
    for (start, _) in code.match_indices("#[cfg(test)]") {
        let end = item_end(b, start + "#[cfg(test)]".len());
        test[start..end].iter_mut().for_each(|t| *t = true);
    }
    test
}

/// The end of the item that starts at `from`: after its first `;` or its first `{ ... }`
/// block outside parentheses and brackets (`fn f() -> [u8; 2] { ... }`).
fn item_end(b: &[u8], from: usize) -> usize {
    let (mut nesting, mut braces) = (0i32, 0i32);
    for (k, &c) in b[from..].iter().enumerate() {
        match c {
            b'(' | b'[' => nesting += 1,
            b')' | b']' => nesting -= 1,
            b';' if nesting == 0 && braces == 0 => return from + k + 1,
            b'{' if nesting == 0 => braces += 1,
            b'}' if nesting == 0 => {
                braces -= 1;
                if braces == 0 {
                    return from + k + 1;
                }
            }
            _ => {}
        }
    }
    b.len()
}

/// The files of the out-of-line test modules a source declares (`#[cfg(test)] mod tests;`).
fn test_module_files(s: &Source) -> Vec<String> {
    let dir = if s.path.ends_with("/mod.rs") || s.path.ends_with("/lib.rs") {
        s.path.rsplit_once('/').map_or("", |(d, _)| d).to_owned()
    } else {
        s.path.trim_end_matches(".rs").to_owned()
    };
    let mut out = Vec::new();
    for (start, _) in s.code.match_indices("#[cfg(test)]") {
        let end = item_end(s.code.as_bytes(), start);
        let item: Vec<&str> = s.code[start + "#[cfg(test)]".len()..end]
            .split_whitespace()
            .collect();
        if let ["mod", name] | ["pub", "mod", name] = item.as_slice() {
            let name = name.trim_end_matches(';');
            out.push(format!("{dir}/{name}.rs"));
            out.push(format!("{dir}/{name}/mod.rs"));
        }
    }
    out
}

/// The top-level modules a source's code (outside tests) names, with the byte where: from
/// `crate::X`, `crate::{X, ..}`, `super::` chains that reach the crate root, and `tessera::X`
/// in the binary.
fn uses(s: &Source) -> Vec<(String, usize)> {
    let b = s.code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let word_start =
            i == 0 || !(b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'_' | b'$'));
        if !word_start || s.test[i] {
            i += 1;
            continue;
        }
        let start = i;
        let root = if b[i..].starts_with(b"crate::") {
            Some(i + "crate::".len())
        } else if b[i..].starts_with(b"tessera::") && s.module.is_empty() {
            Some(i + "tessera::".len())
        } else if b[i..].starts_with(b"super::") {
            let mut depth = 0;
            while b[i..].starts_with(b"super::") {
                i += "super::".len();
                depth += 1;
            }
            // From io/accounts/read.rs (io::accounts::read), three `super::` reach the crate root.
            (!s.module.is_empty() && depth >= s.module.len()).then_some(i)
        } else {
            None
        };
        let Some(at) = root else {
            i += 1;
            continue;
        };
        if b.get(at) == Some(&b'{') {
            let end = item_end(b, at);
            let mut offset = at + 1;
            for part in split_top_level(&s.code[at + 1..end.saturating_sub(1)]) {
                let lead = part.len() - part.trim_start().len();
                let name = leading_ident(part.trim_start());
                if !name.is_empty() && name != "self" {
                    out.push((name.to_owned(), offset + lead));
                }
                offset += part.len() + 1;
            }
            i = end;
        } else {
            let name = leading_ident(&s.code[at..]);
            if !name.is_empty() {
                out.push((name.to_owned(), start));
            }
            i = at;
        }
    }
    out
}

/// The parts of a `{a, b::{c, d}}` group's inside, split at its top-level commas.
fn split_top_level(group: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (k, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&group[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&group[start..]);
    parts
}

fn leading_ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Uses of modules that the source's row of [`LAYERS`] does not allow.
fn check_layers(s: &Source, breaches: &mut Vec<Breach>) {
    let top = s.top();
    if top == "lib" {
        return;
    }
    let Some((_, allowed)) = LAYERS.iter().find(|(m, _)| *m == top) else {
        breaches.push(Breach {
            path: s.path.clone(),
            line: 1,
            what: top.to_owned(),
            rule: format!("module `{top}` is not in the layer table (ARCHITECTURE.md, LAYERS)"),
        });
        return;
    };
    for (used, at) in uses(s) {
        let known_module = LAYERS.iter().any(|(m, _)| *m == used);
        if used == top || !known_module || allowed.contains(&"*") || allowed.contains(&&*used) {
            continue;
        }
        let allowed = if allowed.is_empty() {
            "nothing".to_owned()
        } else {
            allowed.join(", ")
        };
        breaches.push(Breach {
            path: s.path.clone(),
            line: s.line(at),
            rule: format!("`{top}` uses `{used}` (it may use: {allowed})"),
            what: used,
        });
    }
}

/// SQLite outside `store`, printing or exiting below `cli`, `anyhow` outside `cli`.
fn check_words(s: &Source, breaches: &mut Vec<Breach>) {
    let top = s.top();
    let in_cli = matches!(top, "cli" | "main.rs");
    let mut rules: Vec<(&str, &str)> = Vec::new();
    if top != "store" {
        rules.push(("rusqlite", "nothing outside `store` knows SQLite"));
    }
    if !in_cli {
        rules.extend(
            PRINTS
                .iter()
                .map(|&p| (p, "nothing below `cli` prints or exits")),
        );
    }
    if top != "cli" {
        rules.push(("anyhow", "`anyhow` only in `cli`"));
    }
    let b = s.code.as_bytes();
    for (word, rule) in rules {
        for (at, _) in s.code.match_indices(word) {
            let before = at.checked_sub(1).map(|k| b[k]);
            let after = b.get(at + word.len()).copied();
            let whole_word = !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_');
            if whole_word && !s.test[at] {
                breaches.push(Breach {
                    path: s.path.clone(),
                    line: s.line(at),
                    what: word.to_owned(),
                    rule: format!("`{word}`: {rule}"),
                });
            }
        }
    }
}
