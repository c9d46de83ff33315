//! The `diff` benchmark of issue 15: `cargo bench --bench diff`.
//!
//! It generates deterministic policies, then measures in one run, side by
//! side, `diff` of two 6 KB policies and of two 50-policy sets against
//! `simulate` of one request on the same files: in process (the library's
//! `compare` and `simulate` on loaded files, so the numbers are the
//! decision's own) and as whole runs of the release binary (process start
//! to exit). Each figure is a median; runs are interleaved so drift in
//! machine load hits both sides.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use policy_check::catalog::catalog;
use policy_check::diff::compare;
use policy_check::simulate::eval::Request;
use policy_check::simulate::{load_policies, simulate, PolicyFile};

const BIN: &str = env!("CARGO_BIN_EXE_policy-check");
/// In-process repetitions per measurement, and whole-process ones.
const RUNS: usize = 11;
const PROCESS_RUNS: usize = 5;
/// RAM's limit on one policy document's length, in characters.
const POLICY_BYTES: usize = 6144;
const SET_SIZE: usize = 50;
/// The size range of the set's policies. With 1 to 6 KB each (300 KB a
/// side) one diff took minutes: see "Performance" in docs/diff.md.
const SET_POLICY_BYTES: (usize, usize) = (512, 1536);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // SplitMix64: small, deterministic, good enough to vary the shapes.
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SERVICES: &[&str] = &["ecs", "oss", "vpc", "rds", "kms", "ens", "slb", "log"];
const CIDRS: &[&str] = &[
    "203.0.113.0/24",
    "198.51.100.0/25",
    "192.0.2.0/28",
    "2001:db8:cafe::/48",
];
const DATES: &[&str] = &["2027-06-30T23:59:59+08:00", "2026-12-31T00:00:00Z"];

/// One statement of `service`: a few of its actions (literal, or a prefix
/// wildcard), a resource pattern, and zero to two conditions.
fn statement(rng: &mut Rng, service: &str, effect: &str) -> String {
    let table = catalog().table(service).expect("a catalogued service");
    let operations = table.operations();
    let mut actions = Vec::new();
    for _ in 0..2 + rng.below(3) {
        let name = operations[rng.below(operations.len())].action.to_string();
        let action = if rng.below(4) == 0 {
            // `ecs:Describe*` from `ecs:DescribeInstances`.
            let verb_end = name[service.len() + 1..]
                .char_indices()
                .skip(1)
                .find(|(_, c)| c.is_ascii_uppercase())
                .map_or(name.len(), |(i, _)| service.len() + 1 + i);
            format!("{}*", &name[..verb_end])
        } else {
            name
        };
        actions.push(format!("\"{action}\""));
    }
    let resource = match rng.below(3) {
        0 => "\"*\"".to_string(),
        1 => format!("\"acs:{service}:*:*:*/prod-*\""),
        _ => format!(
            "[\"acs:{service}:cn-*:*:*/app-{}*\", \"acs:{service}:*:*:*/shared\"]",
            rng.below(9)
        ),
    };
    let mut conditions = Vec::new();
    if rng.below(2) == 0 {
        let cidr = CIDRS[rng.below(CIDRS.len())];
        conditions.push(format!(
            "\"IpAddress\": {{\"acs:SourceIp\": [\"{cidr}\", \"2001:db8:cafe::/48\"]}}"
        ));
    }
    if rng.below(3) == 0 {
        conditions.push("\"Bool\": {\"acs:SecureTransport\": \"true\"}".to_string());
    }
    if rng.below(4) == 0 {
        let date = DATES[rng.below(DATES.len())];
        conditions.push(format!("\"DateLessThan\": {{\"acs:CurrentTime\": \"{date}\"}}"));
    }
    let condition = if conditions.is_empty() {
        String::new()
    } else {
        format!(",\n      \"Condition\": {{{}}}", conditions.join(", "))
    };
    format!(
        "    {{\n      \"Effect\": \"{effect}\",\n      \"Action\": [{}],\n      \"Resource\": {resource}{condition}\n    }}",
        actions.join(", ")
    )
}

fn document(statements: &[String]) -> String {
    format!(
        "{{\n  \"Version\": \"1\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        statements.join(",\n")
    )
}

/// Statements of `services` until the document would pass `limit` bytes;
/// one in eight is a Deny.
fn policy(rng: &mut Rng, services: &[&str], limit: usize) -> Vec<String> {
    let mut statements: Vec<String> = Vec::new();
    loop {
        let service = services[rng.below(services.len())];
        let effect = if rng.below(8) == 0 { "Deny" } else { "Allow" };
        let next = statement(rng, service, effect);
        let mut tried = statements.clone();
        tried.push(next);
        if document(&tried).len() > limit {
            return statements;
        }
        statements = tried;
    }
}

/// The change a pull request makes: the first office CIDR widened to a /16.
fn widen(text: &str) -> String {
    text.replacen("203.0.113.0/24", "203.0.0.0/16", 1)
        .replacen("198.51.100.0/25", "198.51.0.0/16", 1)
}

struct Inputs {
    /// A 6 KB policy, the same widened, and the same with its statements
    /// reversed (grants the same: the whole partition must be searched).
    one: [PathBuf; 3],
    /// Two 50-policy directories: the second with one policy widened.
    sets: [PathBuf; 2],
}

fn write_inputs(root: &Path) -> io::Result<Inputs> {
    let _ = fs::remove_dir_all(root);
    for dir in ["one", "set-old", "set-new"] {
        fs::create_dir_all(root.join(dir))?;
    }
    let mut rng = Rng(15);
    let statements = policy(&mut rng, SERVICES, POLICY_BYTES);
    let old = document(&statements);
    let reversed: Vec<String> = statements.iter().rev().cloned().collect();
    let one = [
        root.join("one/old.json"),
        root.join("one/widened.json"),
        root.join("one/reordered.json"),
    ];
    fs::write(&one[0], &old)?;
    fs::write(&one[1], widen(&old))?;
    fs::write(&one[2], document(&reversed))?;
    for i in 0..SET_SIZE {
        // Two services per policy, as a role's policies tend to be scoped.
        let services = [
            SERVICES[i % SERVICES.len()],
            SERVICES[(i * 3 + 1) % SERVICES.len()],
        ];
        let size = SET_POLICY_BYTES.0 + rng.below(SET_POLICY_BYTES.1 - SET_POLICY_BYTES.0);
        let text = document(&policy(&mut rng, &services, size));
        let name = format!("policy-{i:02}.json");
        fs::write(root.join("set-old").join(&name), &text)?;
        let changed = if i == SET_SIZE / 2 { widen(&text) } else { text };
        fs::write(root.join("set-new").join(&name), changed)?;
    }
    Ok(Inputs {
        one,
        sets: [root.join("set-old"), root.join("set-new")],
    })
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Medians of `a` and `b`, run alternately `runs` times each.
fn pair(runs: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (Duration, Duration) {
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let start = Instant::now();
        a();
        ta.push(start.elapsed());
        let start = Instant::now();
        b();
        tb.push(start.elapsed());
    }
    (median(ta), median(tb))
}

fn run(args: &[&Path], leading: &[&str]) -> i32 {
    Command::new(BIN)
        .args(leading)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()
        .and_then(|s| s.code())
        .unwrap_or(-1)
}

fn request() -> Request {
    Request {
        action: "ecs:DescribeInstances".into(),
        resource: "acs:ecs:cn-hangzhou:123456789012:instance/prod-web".into(),
        context: vec![
            ("acs:SourceIp".into(), vec!["203.0.113.7".into()]),
            ("acs:SecureTransport".into(), vec!["true".into()]),
        ],
    }
}

/// Sizes per side for the scaling table: RAM's 6,144-character policy
/// doubled up to the ValidatePolicy API's 61,440.
const SCALING: &[usize] = &[6144, 12_288, 24_576, 49_152, 61_440];

/// One policy of each size (several services, as a large document is), its
/// widened copy and its reversed copy; `diff` time per size and the ratio
/// to the size before, in process.
fn scaling(root: &Path) -> io::Result<()> {
    println!(
        "\n{:<10} {:>14} {:>7} {:>16} {:>7}",
        "per side", "CIDR widened", "ratio", "reordered", "ratio"
    );
    let dir = root.join("scaling");
    fs::create_dir_all(&dir)?;
    let mut previous: Option<(Duration, Duration)> = None;
    for &limit in SCALING {
        let mut rng = Rng(23);
        let statements = policy(&mut rng, SERVICES, limit);
        let old = document(&statements);
        let reversed: Vec<String> = statements.iter().rev().cloned().collect();
        let paths = [
            dir.join(format!("old-{limit}.json")),
            dir.join(format!("widened-{limit}.json")),
            dir.join(format!("reordered-{limit}.json")),
        ];
        fs::write(&paths[0], &old)?;
        fs::write(&paths[1], widen(&old))?;
        fs::write(&paths[2], document(&reversed))?;
        let load = |p: &Path| -> Vec<PolicyFile> { load_policies(&[p.to_path_buf()]).files };
        let (a, b, c) = (load(&paths[0]), load(&paths[1]), load(&paths[2]));
        let verdicts = (
            compare(&a, &b).expect("usable").verdict(),
            compare(&a, &c).expect("usable").verdict(),
        );
        let (widened, reordered) = pair(
            5,
            || {
                std::hint::black_box(compare(&a, &b).map(|c| c.new_access.len()).ok());
            },
            || {
                std::hint::black_box(compare(&a, &c).map(|c| c.new_access.len()).ok());
            },
        );
        let ratio = |now: Duration, before: Option<Duration>| {
            before.map_or(String::from("-"), |b| {
                format!("{:.2}x", now.as_secs_f64() / b.as_secs_f64())
            })
        };
        println!(
            "{:<10} {:>8.2} ms {:>7} {:>10.2} ms {:>7}   ({}, {})",
            old.chars().count(),
            ms(widened),
            ratio(widened, previous.map(|p| p.0)),
            ms(reordered),
            ratio(reordered, previous.map(|p| p.1)),
            verdicts.0,
            verdicts.1
        );
        previous = Some((widened, reordered));
    }
    Ok(())
}

fn main() -> io::Result<()> {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-diff");
    let inputs = write_inputs(&root)?;
    let size = |p: &Path| fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let set_bytes: u64 = fs::read_dir(&inputs.sets[0])?
        .filter_map(Result::ok)
        .map(|e| size(&e.path()))
        .sum();
    println!("policy-check diff benchmark");
    println!(
        "inputs under {}: a {} B policy (widened: {} B, reordered: {} B); {SET_SIZE}-policy sets of {:.1} KB",
        root.display(),
        size(&inputs.one[0]),
        size(&inputs.one[1]),
        size(&inputs.one[2]),
        set_bytes as f64 / 1e3
    );
    println!("each figure is the median of {RUNS} runs in process, {PROCESS_RUNS} as processes\n");

    let load = |p: &Path| -> Vec<PolicyFile> { load_policies(&[p.to_path_buf()]).files };
    let cases: [(&str, &Path, &Path); 3] = [
        ("6 KB policies, a CIDR widened", &inputs.one[0], &inputs.one[1]),
        (
            "6 KB policies, reordered (no new access)",
            &inputs.one[0],
            &inputs.one[2],
        ),
        (
            "50-policy sets, one CIDR widened",
            &inputs.sets[0],
            &inputs.sets[1],
        ),
    ];
    println!(
        "{:<44} {:>8} {:>11} {:>8}   {:>9} {:>11}",
        "in process", "diff", "simulate", "ratio", "verdict", "compared"
    );
    for (name, old_path, new_path) in cases {
        let (old, new) = (load(old_path), load(new_path));
        let result = compare(&old, &new).expect("usable inputs");
        let (diff_time, simulate_time) = pair(
            RUNS,
            || {
                std::hint::black_box(compare(&old, &new).map(|c| c.new_access.len()).ok());
            },
            || {
                std::hint::black_box(simulate(request(), new.clone(), None).ok().map(|s| s.decision));
            },
        );
        println!(
            "{name:<44} {:>5.2} ms {:>8.3} ms {:>7.0}x   {:>9} {:>4} actions",
            ms(diff_time),
            ms(simulate_time),
            diff_time.as_secs_f64() / simulate_time.as_secs_f64(),
            result.verdict(),
            result.actions_compared
        );
    }
    scaling(&root)?;
    println!(
        "\n{:<44} {:>8} {:>11} {:>8}",
        "whole process", "diff", "simulate", "ratio"
    );
    for (name, old_path, new_path) in cases {
        let simulate_args = [
            "simulate",
            "--action",
            "ecs:DescribeInstances",
            "--resource",
            "acs:ecs:cn-hangzhou:123456789012:instance/prod-web",
            "--context",
            "acs:SourceIp=203.0.113.7",
        ];
        let (diff_time, simulate_time) = pair(
            PROCESS_RUNS,
            || {
                run(&[old_path, new_path], &["diff"]);
            },
            || {
                run(&[new_path], &simulate_args);
            },
        );
        println!(
            "{name:<44} {:>5.1} ms {:>8.1} ms {:>7.1}x",
            ms(diff_time),
            ms(simulate_time),
            diff_time.as_secs_f64() / simulate_time.as_secs_f64()
        );
    }
    Ok(())
}
