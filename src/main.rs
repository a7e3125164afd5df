fn main() -> std::process::ExitCode {
    usersctl::main()
}
