//! Terraform as its users write it (issue 22): a folder's `.tf` files are
//! one module, values partly computed by Terraform still say what they
//! can, and HCL's own syntax never hides a policy. Each fixture under
//! testdata/hosts/ has a snapshot of the human output beside it, whose
//! underline sits on the token of the file that holds it.

use crate::common;

use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The human output of `args`, compared with (or, with UPDATE_SNAPSHOTS,
/// written to) `snap`; returns the exit code.
fn snapshot(args: &[&str], snap: &str) -> Option<i32> {
    let output = common::run(&repo(), args, b"");
    let rendered = String::from_utf8(output.stdout).expect("UTF-8");
    if let Err(failure) = common::snapshot(&repo().join(snap), &rendered) {
        panic!("{failure}");
    }
    output.status.code()
}

fn show_files(args: &[&str]) -> String {
    let mut all = vec!["--show-files"];
    all.extend_from_slice(args);
    String::from_utf8(common::run(&repo(), &all, b"").stdout).expect("UTF-8")
}

/// The usual layout: data sources in data.tf, resources in main.tf, a
/// local in locals.tf. Each policy is linted once, in the file that holds
/// it, whether the folder is walked or one file is named.
#[test]
fn a_folder_of_tf_files_is_one_module() {
    let code = snapshot(&["testdata/hosts/fail-module"], "testdata/hosts/fail-module.snap");
    assert_eq!(code, Some(1));

    let listed = show_files(&["testdata/hosts/fail-module"]);
    for line in [
        "testdata/hosts/fail-module/data.tf: linted (2 policy documents, 2 findings)",
        "testdata/hosts/fail-module/locals.tf: linted (1 policy document, 2 findings)",
        // main.tf uses the two; they are not unknown values, and not
        // counted twice.
        "testdata/hosts/fail-module/main.tf: linted (0 policy documents, 0 findings)",
    ] {
        assert!(listed.lines().any(|l| l == line), "{line}\n{listed}");
    }

    // The local is a policy because main.tf, read from disk, takes it as
    // one: named alone, locals.tf still knows.
    let listed = show_files(&["testdata/hosts/fail-module/locals.tf"]);
    assert!(
        listed.contains("locals.tf: linted (1 policy document, 2 findings)"),
        "{listed}"
    );
}

/// `\u0024{` in a quoted string, a policy object in `.tf.json`, a heredoc
/// whose interpolation stands for members: each is read, and each fixture
/// (in host_fixtures_fire_exactly_where_their_snapshots_say, tests/hosts.rs)
/// was reported "No problems found" before. A heredoc no rendering makes
/// JSON is not claimed as linted: it is counted as not known.
#[test]
fn a_heredoc_that_cannot_be_read_is_counted_as_not_known() {
    let listed = show_files(&["testdata/hosts/unreadable/main.tf"]);
    assert!(
        listed.contains(
            "testdata/hosts/unreadable/main.tf: linted (0 policy documents, 0 findings, 2 values not known until deployment)"
        ),
        "{listed}"
    );
    let listed = show_files(&["testdata/hosts/fail-heredoc-members.tf"]);
    assert!(
        listed.contains("fail-heredoc-members.tf: linted (1 policy document, 1 finding, 1 value not known until deployment)"),
        "{listed}"
    );
}

/// `file("x.tf.json")` and `file("x.yaml")` naming plain JSON policies:
/// Terraform reads a string, so each is linted as a policy (before, by its
/// extension: Terraform JSON or a ROS template, and skipped), named or
/// walked.
#[test]
fn a_file_named_by_file_is_the_policy_terraform_reads() {
    let code = snapshot(
        &["testdata/hosts/fail-file-kinds/main.tf"],
        "testdata/hosts/fail-file-kinds.snap",
    );
    assert_eq!(code, Some(1));
    let output = common::run(
        &repo(),
        &["--format", "short", "testdata/hosts/fail-file-kinds"],
        b"",
    );
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "testdata/hosts/fail-file-kinds/policies/admin.tf.json:3:47: security-warning[allow-all] `*` on every resource without conditions grants full administrator access",
            "testdata/hosts/fail-file-kinds/policies/images.yaml:3:47: error[unknown-action] `ens:DescribeImagez` is not a known ens action",
        ]
    );
}

/// A data source written in `.tf.json` is linted there, and `main.tf`
/// that uses it counts no unknown value for it.
#[test]
fn a_tf_json_data_source_is_part_of_the_module() {
    let code = snapshot(
        &["testdata/hosts/fail-module-json"],
        "testdata/hosts/fail-module-json.snap",
    );
    assert_eq!(code, Some(1));
    let listed = show_files(&["testdata/hosts/fail-module-json"]);
    for line in [
        "testdata/hosts/fail-module-json/data.tf.json: linted (1 policy document, 1 finding, 1 value not known until deployment)",
        "testdata/hosts/fail-module-json/main.tf: linted (0 policy documents, 0 findings)",
    ] {
        assert!(listed.lines().any(|l| l == line), "{line}\n{listed}");
    }
}

mod partly_known {
    use std::borrow::Cow;

    use policy_check::parse::Partial;
    use proptest::prelude::*;

    proptest! {
        /// No false error: whatever the holes hold, the rendered string is
        /// one the partly known value says it can be, and what the literal
        /// text holds the rendering holds too.
        #[test]
        fn every_rendering_is_possible(
            segments in prop::collection::vec("[a:*/ ]{0,3}", 2..5),
            fills in prop::collection::vec("[a:*/ ]{0,3}", 4),
        ) {
            let cows: Vec<Cow<'_, str>> = segments.iter().map(|s| Cow::Borrowed(s.as_str())).collect();
            let partial = Partial(&cows);
            let mut rendered = segments[0].clone();
            for (segment, fill) in segments[1..].iter().zip(&fills) {
                rendered.push_str(fill);
                rendered.push_str(segment);
            }
            prop_assert!(partial.can_be(&rendered), "{:?} cannot be {:?}", segments, rendered);
            prop_assert!(rendered.starts_with(partial.prefix()));
            if !rendered.is_empty() && rendered.chars().all(|c| c == '*') {
                prop_assert!(partial.can_be_all('*'));
            }
            if partial.holds(char::is_whitespace) {
                prop_assert!(rendered.contains(' '));
            }
        }
    }

    #[test]
    fn a_literal_part_decides_what_the_string_cannot_be() {
        let segments = [Cow::Borrowed("acs:ens:*:"), Cow::Borrowed(":instance/*")];
        let partial = Partial(&segments);
        assert!(!partial.can_be("*"));
        assert!(!partial.can_be_all('*'));
        assert!(partial.can_be("acs:ens:*:123:instance/*"));
        assert!(partial.can_be("acs:ens:*::instance/*"));
        let open = [Cow::Borrowed(""), Cow::Borrowed("*")];
        assert!(Partial(&open).can_be("*"));
        assert!(Partial(&open).can_be_all('*'));
    }
}
