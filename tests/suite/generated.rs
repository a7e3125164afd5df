//! The checked-in completions and man pages must match the clap definition.

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (rel, expected) in usersctl::generate::files() {
        match std::fs::read(root.join(&rel)) {
            Ok(actual) if actual == expected => {}
            _ => stale.push(rel),
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}\nrefresh them with `cargo run --example generate` and commit the result"
    );
}

#[test]
fn the_man_page_documents_the_exit_codes() {
    let page = usersctl::generate::files()
        .into_iter()
        .find(|(rel, _)| rel == "man/usersctl.1")
        .expect("the top-level man page is generated");
    let text = String::from_utf8(page.1).unwrap();
    for line in ["130", "database unavailable", "conflict"] {
        assert!(text.contains(line), "man page lacks {line:?}");
    }
}
