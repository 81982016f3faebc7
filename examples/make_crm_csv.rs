//! Writes a synthetic Dutch CRM export (`;`, decimal commas, euro amounts) for timing
//! `tessera import --accounts`:
//!
//! ```sh
//! cargo run --release --example make_crm_csv -- crm-1m.csv 1000000
//! cargo run --release -- demo p.tessera
//! /usr/bin/time -v target/release/tessera import p.tessera --accounts crm-1m.csv
//! ```

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "crm-1m.csv".into());
    let rows: usize = match args.next() {
        Some(n) => n.parse()?,
        None => 1_000_000,
    };
    std::fs::write(&path, tessera::synth::crm_csv(rows, 1))?;
    eprintln!("wrote {rows} rows to {path}");
    Ok(())
}
