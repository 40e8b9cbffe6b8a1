//! The house rules of ARCHITECTURE.md, checked against `src/`: the code map names every module,
//! top-level modules import only the layers their row allows, no two modules import each other
//! (at any level), the engine does no IO, choice dispatch has no wildcard arms, and no source file
//! outgrows 600 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path: `["strategy", "undercut"]`; the crate root is empty.
type Module = Vec<String>;

struct Source {
    module: Module,
    file: PathBuf,
    text: String,
}

fn sources() -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|f| !f.ends_with("main.rs"))
        .map(|file| {
            let rel = file.strip_prefix(&root).unwrap().with_extension("");
            let mut module: Module = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod" || m == "lib") {
                module.pop();
            }
            let text = std::fs::read_to_string(&file).unwrap();
            Source { module, file, text }
        })
        .collect()
}

/// The code without comments and string literals (so that neither is read as an import).
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for d in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            '\'' => {
                // A char literal ('x', '\n') or a lifetime ('a): skip a literal only.
                let rest: String = chars.clone().take(3).collect();
                let is_char = rest.chars().nth(1) == Some('\'')
                    || (rest.starts_with('\\') && rest.chars().nth(2) == Some('\''));
                if is_char {
                    let n = if rest.starts_with('\\') { 3 } else { 2 };
                    for _ in 0..n {
                        chars.next();
                    }
                    out.push_str("' '");
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every path a `use` tree names: `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let Some(open) = tree.find('{') else {
        for item in tree.split(',').filter(|s| !s.is_empty()) {
            let item = item.split(" as ").next().unwrap_or(item);
            out.push(format!("{prefix}{item}"));
        }
        return;
    };
    let head = &tree[..open];
    let close = tree.rfind('}').expect("balanced use tree");
    let inner = &tree[open + 1..close];
    let (mut depth, mut start) = (0, 0);
    let mut items = Vec::new();
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    for item in items.into_iter().filter(|s| !s.is_empty()) {
        expand(&format!("{prefix}{head}"), item, out);
    }
}

/// The paths a file refers to through `crate::`, `super::` and `self::`.
fn referenced_paths(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for statement in code.split(';') {
        let s = statement.trim_start();
        let s = s
            .strip_prefix("pub(crate) ")
            .or_else(|| s.strip_prefix("pub(super) "))
            .or_else(|| s.strip_prefix("pub "))
            .unwrap_or(s);
        if let Some(tree) = s.strip_prefix("use ") {
            let mut tree = tree.split_whitespace().collect::<Vec<_>>().join(" ");
            for sep in ["{", "}", ",", "::"] {
                tree = tree
                    .replace(&format!(" {sep}"), sep)
                    .replace(&format!("{sep} "), sep);
            }
            expand("", &tree, &mut paths);
        }
    }
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let at_word = i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_');
        let rest: String = bytes[i..bytes.len().min(i + 7)].iter().collect();
        if at_word
            && (rest.starts_with("crate::")
                || rest.starts_with("super::")
                || rest.starts_with("self::"))
        {
            let mut j = i;
            while j < bytes.len()
                && (bytes[j].is_alphanumeric() || bytes[j] == '_' || bytes[j] == ':')
            {
                j += 1;
            }
            paths.push(bytes[i..j].iter().collect());
            i = j;
        } else {
            i += 1;
        }
    }
    paths
}

/// The module a path from `from` lands in: the longest prefix that is a module.
fn resolve(from: &Module, path: &str, modules: &BTreeSet<Module>) -> Option<Module> {
    let mut segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Module = match segs.first() {
        Some(&"crate") => {
            segs.remove(0);
            Vec::new()
        }
        Some(&"super") | Some(&"self") => from.clone(),
        _ => return None,
    };
    while let Some(&s) = segs.first() {
        match s {
            "super" => {
                base.pop();
            }
            "self" => {}
            _ => break,
        }
        segs.remove(0);
    }
    let mut best = None;
    for n in 0..=segs.len() {
        let mut m = base.clone();
        m.extend(segs[..n].iter().map(|s| s.to_string()));
        if modules.contains(&m) {
            best = Some(m);
        }
    }
    best
}

/// (lowest common ancestor, child of it on the importing side, child on the imported side) of
/// every import between two modules where neither contains the other.
fn import_edges(sources: &[Source]) -> BTreeSet<(Module, String, String)> {
    let modules: BTreeSet<Module> = sources.iter().map(|s| s.module.clone()).collect();
    let mut edges = BTreeSet::new();
    for s in sources {
        for path in referenced_paths(&code_only(&s.text)) {
            let Some(to) = resolve(&s.module, &path, &modules) else {
                continue;
            };
            let from = &s.module;
            if to.starts_with(from) || from.starts_with(&to) {
                continue;
            }
            let k = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            edges.insert((from[..k].to_vec(), from[k].clone(), to[k].clone()));
        }
    }
    edges
}

fn architecture() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md exists")
}

/// The code map's rows: module name (without `/` or `.rs`) → (owns cell, may-import list).
fn code_map() -> BTreeMap<String, (String, Vec<String>)> {
    let mut rows = BTreeMap::new();
    for line in architecture().lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 5 || !cells[1].starts_with('`') {
            continue;
        }
        let name = cells[1]
            .trim_matches('`')
            .trim_end_matches('/')
            .trim_end_matches(".rs")
            .to_string();
        let imports = cells[3]
            .split(',')
            .map(|s| s.trim().trim_matches('`').to_string())
            .filter(|s| !s.is_empty())
            .collect();
        rows.insert(name, (cells[2].to_string(), imports));
    }
    rows
}

#[test]
fn the_code_map_names_every_module() {
    let map = code_map();
    let mut missing = Vec::new();
    for s in sources() {
        let Some(top) = s.module.first() else {
            continue;
        };
        let Some((owns, _)) = map.get(top) else {
            missing.push(format!("{top} (no row)"));
            continue;
        };
        // A file of a folder is named in its folder's row (as `file.rs`, or its subfolder as
        // `sub/`), unless the folder holds one file per choice.
        if s.module.len() >= 2 && !owns.contains("one file per") {
            let child = &s.module[1];
            let nested = s.module.len() > 2 || s.file.ends_with("mod.rs");
            let named = if nested {
                owns.contains(&format!("`{child}/`")) || owns.contains(&format!("`{child}.rs`"))
            } else {
                owns.contains(&format!("`{child}.rs`"))
            };
            if !named && child != "tests" {
                missing.push(s.module.join("/"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's code map does not name: {missing:?}"
    );
}

#[test]
fn top_level_modules_import_only_the_layers_their_row_allows() {
    let map = code_map();
    let mut bad = Vec::new();
    for (lca, from, to) in import_edges(&sources()) {
        if !lca.is_empty() {
            continue;
        }
        match map.get(&from) {
            Some((_, allowed)) if allowed.contains(&to) => {}
            _ => bad.push(format!("{from} imports {to}")),
        }
    }
    assert!(
        bad.is_empty(),
        "imports not allowed by ARCHITECTURE.md's code map: {bad:?}"
    );
}

#[test]
fn no_module_imports_another_that_imports_it_back() {
    let edges = import_edges(&sources());
    let mut by_parent: BTreeMap<Module, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (lca, a, b) in edges {
        by_parent
            .entry(lca)
            .or_default()
            .entry(a)
            .or_default()
            .insert(b);
    }
    let mut cycles = Vec::new();
    for (parent, graph) in &by_parent {
        // Depth-first search for a back edge.
        fn visit(
            n: &str,
            graph: &BTreeMap<String, BTreeSet<String>>,
            state: &mut BTreeMap<String, u8>,
            stack: &mut Vec<String>,
            found: &mut Vec<String>,
        ) {
            state.insert(n.to_string(), 1);
            stack.push(n.to_string());
            for m in graph.get(n).into_iter().flatten() {
                match state.get(m) {
                    Some(1) => {
                        let from = stack.iter().position(|s| s == m).unwrap();
                        found.push(format!("{} -> {m}", stack[from..].join(" -> ")));
                    }
                    Some(_) => {}
                    None => visit(m, graph, state, stack, found),
                }
            }
            stack.pop();
            state.insert(n.to_string(), 2);
        }
        let mut state = BTreeMap::new();
        let mut found = Vec::new();
        for n in graph.keys() {
            if !state.contains_key(n) {
                visit(n, graph, &mut state, &mut Vec::new(), &mut found);
            }
        }
        for f in found {
            let at: Vec<&str> = std::iter::once("crate")
                .chain(parent.iter().map(String::as_str))
                .collect();
            cycles.push(format!("in {}: {f}", at.join("::")));
        }
    }
    assert!(cycles.is_empty(), "import cycles: {cycles:?}");
}

#[test]
fn the_engine_does_no_io() {
    let engine = [
        "cost",
        "demand",
        "equilibrium",
        "learning",
        "strategy",
        "model",
        "events",
        "systems",
        "sim",
    ];
    let mut bad = Vec::new();
    for s in sources() {
        if !s
            .module
            .first()
            .is_some_and(|m| engine.contains(&m.as_str()))
        {
            continue;
        }
        let code = code_only(&s.text);
        for io in [
            "std::fs",
            "File::",
            "println!",
            "eprintln!",
            "print!(",
            "crate::output::write",
        ] {
            if code.contains(io) {
                bad.push(format!("{}: {io}", s.file.display()));
            }
        }
        if code.contains("crate::scenario") {
            bad.push(format!("{}: imports a scenario type", s.file.display()));
        }
    }
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn choice_dispatch_has_no_wildcard_arms() {
    for file in [
        "src/strategy/mod.rs",
        "src/cost/mod.rs",
        "src/demand/volume/mod.rs",
        "src/events/mod.rs",
    ] {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
        assert!(
            !code_only(&text).contains("_ =>"),
            "{file} dispatches with a wildcard arm"
        );
    }
}

#[test]
fn no_source_file_is_over_600_lines() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|s| s.text.lines().count() > 600)
        .map(|s| format!("{} ({} lines)", s.file.display(), s.text.lines().count()))
        .collect();
    assert!(long.is_empty(), "split along their seams: {long:?}");
}

#[test]
fn the_import_reader_reads_use_trees_and_inline_paths() {
    let code = code_only(
        "use crate::a::{b, c::{d, e as f}};\n// use crate::zzz;\nlet s = \"crate::in_string\";\nx = super::g::h(1);",
    );
    let paths = referenced_paths(&code);
    for p in [
        "crate::a::b",
        "crate::a::c::d",
        "crate::a::c::e",
        "super::g::h",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} in {paths:?}");
    }
    assert!(
        !paths
            .iter()
            .any(|x| x.contains("zzz") || x.contains("in_string"))
    );
}
