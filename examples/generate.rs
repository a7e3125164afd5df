//! Refreshes `completions/` and `man/` from the clap definition:
//! `cargo run --example generate`.

fn main() -> std::io::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    usersctl::generate::write_all(root)?;
    println!("wrote completions/ and man/ under {}", root.display());
    Ok(())
}
