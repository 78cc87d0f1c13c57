/// mimalloc: the front end builds many small trees and the runtime many small records;
/// glibc's malloc and free were about a quarter of `check`'s instructions.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(maestroc::cli::main());
}
