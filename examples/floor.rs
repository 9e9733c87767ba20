//! The floor of the benchmark harness (`benches/run.sh`): one pass of the csv crate over a file, every
//! record read into a `StringRecord`. Nothing can read the file faster and still look at every cell.
//!
//! Usage: cargo run --release --example floor -- <FILE.csv>

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: floor <FILE.csv>");
        std::process::exit(2);
    };
    let mut reader = match csv::ReaderBuilder::new().flexible(true).from_path(&path) {
        Ok(reader) => reader,
        Err(e) => {
            eprintln!("floor: {path}: {e}");
            std::process::exit(1);
        }
    };
    let mut record = csv::StringRecord::new();
    let (mut rows, mut bytes) = (0u64, 0u64);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                rows += 1;
                bytes += record.as_slice().len() as u64;
            }
            Ok(false) => break,
            Err(e) => {
                eprintln!("floor: {path}: {e}");
                std::process::exit(1);
            }
        }
    }
    println!("{rows} rows, {bytes} bytes of cells");
}
