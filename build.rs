//! Records a hash of the engine's source (src/, Cargo.toml, Cargo.lock) as
//! `PRICEWAR_SOURCE_HASH`: sweeps refuse to resume with a binary built from different source,
//! and run manifests say which source produced them.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut all = Vec::new();
    files(&root.join("src"), &mut all);
    all.push(root.join("Cargo.toml"));
    all.push(root.join("Cargo.lock"));
    all.sort();
    // FNV-1a over each file's path (relative to the root) and contents.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h = h.rotate_left(17) ^ bytes.len() as u64;
    };
    for path in &all {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let rel = path.strip_prefix(&root).unwrap_or(path);
        feed(rel.to_string_lossy().replace('\\', "/").as_bytes());
        feed(&bytes);
    }
    println!("cargo:rustc-env=PRICEWAR_SOURCE_HASH={h:016x}");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
}
