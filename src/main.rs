use std::process::ExitCode;

/// mimalloc: a run allocates many small strings per row, and the system allocator spends much of a big
/// run's time in them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    bc2m365::run(bc2m365::parse_args())
}
