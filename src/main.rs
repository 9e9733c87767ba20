use std::process::ExitCode;

fn main() -> ExitCode {
    bc2m365::run(bc2m365::parse_args())
}
