fn main() {
    std::process::exit(maestroc::cli::main());
}
