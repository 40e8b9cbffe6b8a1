//! Whether two sweep directories hold the same dataset: every table's rows, sorted by key,
//! equal (whatever the sharding and part sizes). Exit code 0 if they do, 1 if not.
//!
//!   cargo run --release --example sweep_equal -- output/a-sweep output/b-sweep

use pricewar::sweep::dataset::read_table;
use pricewar::sweep::layout::TABLES;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dirs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [a, b] = dirs.as_slice() else {
        eprintln!("usage: sweep_equal DIR_A DIR_B");
        return ExitCode::from(2);
    };
    let mut same = true;
    for table in TABLES {
        match (read_table(a, table), read_table(b, table)) {
            (Ok(x), Ok(y)) if x.equals_missing(&y) => {
                println!("{table}: {} rows, equal", x.height());
            }
            (Ok(x), Ok(y)) => {
                println!(
                    "{table}: differ ({} rows in {}, {} in {})",
                    x.height(),
                    a.display(),
                    y.height(),
                    b.display()
                );
                same = false;
            }
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if same {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
