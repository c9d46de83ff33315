//! The files that ship policy-check to users agree with each other and with
//! Cargo.toml: the licence, the wheel's metadata, the pre-commit mirror's
//! pinned version, and the two hook manifests (which files they hand over).
//! The real installs run in scripts/check-wheel.sh.

use std::fs;
use std::path::Path;

fn read(path: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn toml(path: &str) -> toml::Table {
    read(path).parse().unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn cargo_package() -> toml::Table {
    toml("Cargo.toml")["package"]
        .as_table()
        .expect("[package]")
        .clone()
}

#[test]
fn the_licence_file_is_the_one_cargo_toml_names() {
    assert_eq!(cargo_package()["license"].as_str(), Some("MIT"));
    let licence = read("LICENSE");
    assert!(licence.starts_with("MIT License\n"), "{licence}");
    assert!(licence.contains("Permission is hereby granted, free of charge"));
    assert_eq!(toml("pyproject.toml")["project"]["license"].as_str(), Some("MIT"));
}

#[test]
fn the_wheel_carries_the_binary_at_cargo_toml_s_version() {
    let pyproject = toml("pyproject.toml");
    assert_eq!(
        pyproject["build-system"]["build-backend"].as_str(),
        Some("maturin")
    );
    assert_eq!(pyproject["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
    // maturin takes the version from Cargo.toml.
    let dynamic = pyproject["project"]["dynamic"].as_array().expect("dynamic");
    assert!(
        dynamic.iter().any(|v| v.as_str() == Some("version")),
        "{dynamic:?}"
    );
    assert_eq!(
        pyproject["project"]["name"].as_str(),
        cargo_package()["name"].as_str()
    );
}

#[test]
fn the_pre_commit_mirror_pins_the_wheel_of_this_version() {
    let version = cargo_package()["version"].as_str().expect("version").to_string();
    let mirror = toml("pre-commit-mirror/pyproject.toml");
    assert_eq!(mirror["project"]["version"].as_str(), Some(version.as_str()));
    let dependencies = mirror["project"]["dependencies"]
        .as_array()
        .expect("dependencies");
    assert_eq!(
        dependencies.iter().filter_map(|d| d.as_str()).collect::<Vec<_>>(),
        [format!("policy-check=={version}")]
    );
}

/// `key: value` lines of a one-hook manifest, trimmed, comments left out.
fn hook(path: &str) -> Vec<(String, String)> {
    read(path)
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains(": "))
        .map(|l| {
            let (key, value) = l
                .trim_start_matches(['-', ' '])
                .split_once(": ")
                .expect("key: value");
            (key.trim().to_string(), value.trim().to_string())
        })
        .collect()
}

#[test]
fn both_hooks_hand_over_json_yaml_and_terraform_and_differ_only_in_language() {
    let rust = hook(".pre-commit-hooks.yaml");
    let python = hook("pre-commit-mirror/.pre-commit-hooks.yaml");
    let get = |hook: &[(String, String)], key: &str| {
        hook.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no `{key}` in {hook:?}"))
    };
    assert_eq!(get(&rust, "language"), "rust");
    assert_eq!(get(&python, "language"), "python");
    for manifest in [&rust, &python] {
        assert_eq!(get(manifest, "types_or"), "[json, yaml, terraform]");
        assert!(
            !manifest.iter().any(|(k, _)| k == "types"),
            "`types` would narrow types_or: {manifest:?}"
        );
        assert_eq!(get(manifest, "entry"), "policy-check --force-exclude");
    }
    let without_language = |hook: &[(String, String)]| {
        hook.iter()
            .filter(|(k, _)| k != "language")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(without_language(&rust), without_language(&python));
}

/// The action downloads `policy-check-<target>.<ext>` for the runner: each
/// target it can ask for is one the release workflow builds and packages
/// under that name, and the scripts both name exist.
#[test]
fn the_action_asks_only_for_archives_the_release_builds() {
    let install = read("scripts/action-install.sh");
    let release = read(".github/workflows/release.yml");
    let action = read("action.yml");
    assert!(action.contains("scripts/action-install.sh"), "{action}");
    assert!(release.contains("bash scripts/check-release-wheel.sh"));
    assert!(Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts/check-release-wheel.sh")
        .is_file());
    let asked: Vec<&str> = install
        .lines()
        .filter_map(|l| l.split("target=").nth(1)?.split(';').next())
        .collect();
    assert_eq!(asked.len(), 5, "{asked:?}");
    for target in asked {
        assert!(
            release.contains(&format!("target: {target}\n")),
            "the release builds no {target}"
        );
    }
    assert!(release.contains("archives/policy-check-{target}.tar.gz"));
    assert!(release.contains("archives/policy-check-{target}.zip"));
    assert!(install.contains("asset=\"policy-check-$target.$ext\""));
}
