//! Helpers for `bench/run.sh`: the baselines the benchmarks are measured
//! against, and fast generation of test data.
//!
//! - `hash PASSWORD`: print an argon2id hash at the production parameters
//! - `verify-time PASSWORD N [THREADS]`: seconds one verify takes (mean of N),
//!   with THREADS (default 1) verifying at once, each N times
//! - `floor DB USERNAME`: open the store and look one user up: the least any
//!   `usersctl user get` can cost
//! - `gen N HASH`: N import lines sharing one password hash, on stdout
//! - `fsync-rate SECONDS DIR`: write-and-fsync round trips a second on DIR's disk

use std::io::Write;
use std::time::{Duration, Instant};

use usersctl::domain::{Password, UserRef};
use usersctl::hashing;
use usersctl::store::{SledStore, Store};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_else(|| usage());
    match arg(0) {
        "hash" => println!("{}", hashing::hash(&password(arg(1))).expect("hash")),
        "verify-time" => {
            let p = password(arg(1));
            let phc = hashing::hash(&p).expect("hash");
            let n: u32 = arg(2).parse().expect("N");
            let threads: u32 = args.get(3).map_or(1, |t| t.parse().expect("THREADS"));
            let start = Instant::now();
            std::thread::scope(|scope| {
                for _ in 0..threads {
                    scope.spawn(|| {
                        for _ in 0..n {
                            assert!(hashing::verify(&p, &phc));
                        }
                    });
                }
            });
            println!("{:.6}", start.elapsed().as_secs_f64() / f64::from(n));
        }
        "floor" => {
            let store = SledStore::open(arg(1).as_ref()).expect("open");
            let user = UserRef::parse(arg(2)).expect("user");
            let account = store.get(&user).expect("get").expect("user exists");
            println!("{}", account.user.id);
        }
        "gen" => {
            let n: u64 = arg(1).parse().expect("N");
            let hash = arg(2);
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            for i in 0..n {
                // One user in a hundred joined long ago and never came back:
                // what a clean-up selects (`--inactive-for 90d`); one in ten
                // thousand, longer ago still (a sparse selection).
                let old = if i % 10_000 == 50 {
                    r#","created_at":"2015-01-01T00:00:00Z""#
                } else if i % 100 == 50 {
                    r#","created_at":"2020-01-01T00:00:00Z""#
                } else {
                    ""
                };
                writeln!(
                    out,
                    r#"{{"username":"user{i:07}","email":"user{i:07}@example.com","name":"User {i}","attributes":{{"team":"t{}"}},"password_hash":"{hash}"{old}}}"#,
                    i % 100
                )
                .expect("write");
            }
        }
        "fsync-rate" => {
            let secs: f64 = arg(1).parse().expect("SECONDS");
            let path = std::path::Path::new(arg(2)).join("fsync-probe");
            let mut file = std::fs::File::create(&path).expect("create");
            let start = Instant::now();
            let mut n = 0u64;
            while start.elapsed() < Duration::from_secs_f64(secs) {
                file.write_all(b"x").expect("write");
                file.sync_data().expect("fsync");
                n += 1;
            }
            let _ = std::fs::remove_file(&path);
            println!("{:.0}", n as f64 / start.elapsed().as_secs_f64());
        }
        _ => usage(),
    }
}

fn password(s: &str) -> Password {
    Password::parse(s).expect("password")
}

fn usage() -> ! {
    eprintln!("usage: bench_tool hash|verify-time|floor|gen|fsync-rate …");
    std::process::exit(2)
}
