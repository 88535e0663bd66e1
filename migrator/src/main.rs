//! The `strata` command-line tool.

fn main() -> std::process::ExitCode {
    strata::cli::main()
}
